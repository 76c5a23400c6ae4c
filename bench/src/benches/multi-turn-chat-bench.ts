import type { PoolPolicy } from "@paddler/protocol";
import { waitForSlots } from "../lib/bench-cluster.js";
import { benchDesiredState } from "../lib/bench-desired-state.js";
import { percentile } from "../lib/percentile.js";
import { benchFile } from "../lib/repo-paths.js";
import { type SpawnedEntry, spawnEntry } from "../lib/spawn-entry.js";

/** One policy on one cluster size: what the multi-turn chat workload measured. */
export interface MultiTurnRow {
  policy: PoolPolicy;
  agents: number;
  slotsPerAgent: number;
  users: number;
  turns: number;
  requests: number;
  failed: number;
  /** Why requests failed, the first few distinct reasons. */
  failures: string[];
  promptTokens: number;
  /** Prompt tokens the agents took from their KV cache (`cached_tokens`). */
  cachedPromptTokens: number;
  /** cachedPromptTokens / promptTokens. */
  cacheFraction: number;
  /** Prompt tokens the agents computed: promptTokens - cachedPromptTokens. */
  prefillTokens: number;
  ttftP50Ms: number;
  ttftP90Ms: number;
  /** Generated tokens per second of wall time, all users together. */
  tokensPerSecond: number;
}

export interface MultiTurnOptions {
  agentCounts: readonly number[];
  slotsPerAgent: number;
  /** Simulated users per agent; each runs its conversation turn after turn. */
  usersPerAgent: number;
  turns: number;
  maxTokens: number;
  /**
   * Each user reads the answer for a random 0..thinkMs before the next turn. Without it, users in
   * lockstep make least-busy assign each user to the same agent every turn by accident.
   */
  thinkMs: number;
  policies: readonly PoolPolicy[];
  log: (line: string) => void;
}

/** ~700 characters every user shares, as a product's system prompt is. */
const systemPromptBody = [
  "You are Paddle, a friendly storyteller for small children.",
  "Always answer in simple words, with short sentences, and keep every story kind and gentle.",
  "Stories take place in a small village by a river, where a girl named Lily lives with her dog Max.",
  "Lily likes to play in the park, to help her mother bake bread, and to watch the boats on the river.",
  "Max is a big brown dog who loves to run after balls and to swim, and who is afraid of thunder.",
  "When the child asks a question, answer it inside the story, through what Lily or Max see and do.",
  "Never mention that you are a program. End each answer with a question that invites the next turn.",
].join(" ");

const topics = [
  "the boat",
  "the rain",
  "the bakery",
  "the big tree",
  "the lost ball",
  "the moon",
  "the fish",
];

/**
 * The policies share one cluster; each gets its own system prompt (different from its first
 * characters), so what an earlier policy left in the KV caches cannot help a later one.
 */
function systemPrompt(run: number): string {
  return `Session ${run}. ${systemPromptBody}`;
}

interface Cluster {
  openaiUrl: string;
  managementUrl: string;
  stop(): Promise<void>;
}

/**
 * A balancer and `agents` real agents (threads 1), each its own process; started one at a time
 * with long timeouts, since loading beside other work on a shared 2-core machine is slow.
 */
async function startCluster(agents: number, slotsPerAgent: number): Promise<Cluster> {
  const balancer = await spawnEntry<{ addresses: Record<string, string> }>({
    file: benchFile("targets/balancer-main.ts"),
    args: ["1000", "120000"],
    readyTimeoutMs: 180_000,
  });
  const started: SpawnedEntry<unknown>[] = [];
  const stop = async () => {
    await Promise.all(started.map((agent) => agent.stop()));
    await balancer.stop();
  };
  try {
    const { addresses } = balancer.ready;
    const managementUrl = `http://${addresses.management}`;
    const response = await fetch(`${managementUrl}/api/v1/balancer_desired_state`, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(benchDesiredState()),
    });
    if (response.status !== 204)
      throw new Error(`PUT desired state: ${response.status} ${await response.text()}`);
    for (let agent = 0; agent < agents; agent++) {
      started.push(
        await spawnEntry({
          file: benchFile("targets/agent-main.ts"),
          args: [addresses.management ?? "", String(slotsPerAgent), "llama"],
          readyTimeoutMs: 180_000,
        }),
      );
    }
    await waitForSlots(managementUrl, agents * slotsPerAgent, 300_000);
    return { openaiUrl: `http://${addresses.compatOpenai}`, managementUrl, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function userTurn(user: number, turn: number): string {
  const topic = topics[(user + turn) % topics.length] ?? "the park";
  return `Child ${user}, turn ${turn}: what happened next with ${topic}, and what did Lily say to Max?`;
}

interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  prompt_tokens_details?: { cached_tokens?: number };
}

interface TurnResult {
  ok: boolean;
  error?: string;
  ttftMs: number;
  promptTokens: number;
  cachedTokens: number;
  completionTokens: number;
  content: string;
}

/** mulberry32: the same think times in every run, so policies face the same arrivals. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One streamed chat turn through the OpenAI service, timed to its first content chunk. */
async function chatTurn(options: {
  openaiUrl: string;
  messages: { role: string; content: string }[];
  user: string;
  maxTokens: number;
}): Promise<TurnResult> {
  const started = performance.now();
  const response = await fetch(`${options.openaiUrl}/v1/chat/completions`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      model: "default",
      messages: options.messages,
      max_tokens: options.maxTokens,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
      user: options.user,
    }),
  });
  const failed = {
    ok: false,
    ttftMs: Number.NaN,
    promptTokens: 0,
    cachedTokens: 0,
    completionTokens: 0,
    content: "",
  };
  if (!response.ok || !response.body)
    return { ...failed, error: `${response.status} ${(await response.text()).slice(0, 160)}` };
  let ttftMs = Number.NaN;
  let content = "";
  const seen: { usage: ChatUsage | null } = { usage: null };
  const decoder = new TextDecoder();
  const reader = response.body.getReader();
  let buffered = "";
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buffered += decoder.decode(value, { stream: true });
    let end = buffered.indexOf("\n\n");
    while (end >= 0) {
      const event = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      end = buffered.indexOf("\n\n");
      const data = event.startsWith("data: ") ? event.slice(6) : "";
      if (data === "" || data === "[DONE]") continue;
      const parsed = JSON.parse(data) as { choices?: { delta?: { content?: string } }[]; usage?: ChatUsage };
      const delta = parsed.choices?.[0]?.delta?.content;
      if (delta) {
        if (Number.isNaN(ttftMs)) ttftMs = performance.now() - started;
        content += delta;
      }
      if (parsed.usage) seen.usage = parsed.usage;
    }
  }
  const { usage } = seen;
  if (!usage) return { ...failed, error: `no usage in the stream: ${buffered.slice(0, 160)}` };
  return {
    ok: true,
    // A turn that produced no text (EOS at once) counts its time to the end instead.
    ttftMs: Number.isNaN(ttftMs) ? performance.now() - started : ttftMs,
    promptTokens: usage.prompt_tokens,
    cachedTokens: usage.prompt_tokens_details?.cached_tokens ?? 0,
    completionTokens: usage.completion_tokens,
    content,
  };
}

/**
 * Issue 15's workload: many users, one shared system prompt, each conversation growing turn by
 * turn (the reply is kept in the history). The policies run one after another on the same
 * cluster, each with its own system prompt, so one policy's warm caches never help the next. The
 * session key for `sticky` is OpenAI's `user`.
 */
export async function runMultiTurnChatBench(options: MultiTurnOptions): Promise<MultiTurnRow[]> {
  const rows: MultiTurnRow[] = [];
  for (const agents of options.agentCounts) {
    const cluster = await startCluster(agents, options.slotsPerAgent);
    try {
      for (const [run, policy] of options.policies.entries()) {
        const set = await fetch(`${cluster.managementUrl}/api/v1/pools/default/policy`, {
          method: "PUT",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ policy }),
        });
        if (set.status !== 204) throw new Error(`PUT policy: ${set.status} ${await set.text()}`);
        const users = agents * options.usersPerAgent;
        const random = seededRandom(agents);
        const results: TurnResult[] = [];
        const started = performance.now();
        await Promise.all(
          Array.from({ length: users }, async (_, user) => {
            const messages = [{ role: "system", content: systemPrompt(run) }];
            for (let turn = 0; turn < options.turns; turn++) {
              messages.push({ role: "user", content: userTurn(user, turn) });
              const result = await chatTurn({
                openaiUrl: cluster.openaiUrl,
                messages,
                user: `user-${user}`,
                maxTokens: options.maxTokens,
              });
              results.push(result);
              messages.push({ role: "assistant", content: result.content || "..." });
              await new Promise((resolve) => setTimeout(resolve, random() * options.thinkMs));
            }
          }),
        );
        const seconds = (performance.now() - started) / 1000;
        const ok = results.filter((result) => result.ok);
        const ttfts = ok.map((result) => result.ttftMs).sort((a, b) => a - b);
        const promptTokens = ok.reduce((sum, result) => sum + result.promptTokens, 0);
        const cachedPromptTokens = ok.reduce((sum, result) => sum + result.cachedTokens, 0);
        const row: MultiTurnRow = {
          policy,
          agents,
          slotsPerAgent: options.slotsPerAgent,
          users,
          turns: options.turns,
          requests: results.length,
          failed: results.length - ok.length,
          failures: [...new Set(results.flatMap((result) => (result.error ? [result.error] : [])))].slice(
            0,
            3,
          ),
          promptTokens,
          cachedPromptTokens,
          cacheFraction: promptTokens > 0 ? cachedPromptTokens / promptTokens : Number.NaN,
          prefillTokens: promptTokens - cachedPromptTokens,
          ttftP50Ms: percentile(ttfts, 50),
          ttftP90Ms: percentile(ttfts, 90),
          tokensPerSecond: ok.reduce((sum, result) => sum + result.completionTokens, 0) / seconds,
        };
        rows.push(row);
        options.log(
          `  ${agents} agents, ${policy}: ${(row.cacheFraction * 100).toFixed(0)}% of prompt tokens cached, ${row.prefillTokens} prefill tokens, TTFT p50 ${row.ttftP50Ms.toFixed(0)} ms p90 ${row.ttftP90Ms.toFixed(0)} ms, ${row.tokensPerSecond.toFixed(0)} tokens/s${row.failed > 0 ? `, ${row.failed} failed` : ""}`,
        );
      }
    } finally {
      await cluster.stop();
    }
  }
  return rows;
}

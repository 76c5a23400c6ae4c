import type { MultiTurnRow } from "../benches/multi-turn-chat-bench.js";

const pct = (value: number) => `${(value * 100).toFixed(0)}%`;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** The multi-turn chat bench: what each pool policy did to cache reuse, prefill and latency. */
export function multiTurnSection(rows: readonly MultiTurnRow[]): string[] {
  const first = rows[0];
  if (!first) return [];
  const lines = [
    "## Multi-turn chat: pool policies",
    "",
    `Each user shares one system prompt and grows a conversation turn by turn (${first.turns} turns, ${first.slotsPerAgent} slots per agent, as many users as slots, a random 0-3 s pause between turns, OpenAI streaming chat with the real model). The policies run one after another on the same cluster, each with its own system prompt, so caches left by one never help the next. Cached = the agents' \`cached_tokens\`; prefill = prompt tokens computed; TTFT measured by the client.`,
    "",
    "| agents | policy | requests (failed) | prompt tokens cached | prefill tokens | TTFT p50 | TTFT p90 | tokens/s |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const row of rows)
    lines.push(
      `| ${row.agents} | ${row.policy} | ${row.requests} (${row.failed}) | ${pct(row.cacheFraction)} | ${row.prefillTokens} | ${s(row.ttftP50Ms)} | ${s(row.ttftP90Ms)} | ${row.tokensPerSecond.toFixed(1)} |`,
    );
  const failures = [...new Set(rows.flatMap((row) => row.failures))];
  if (failures.length > 0) lines.push("", `Failures: ${failures.join("; ")}`);
  return lines;
}

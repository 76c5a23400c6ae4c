import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { findLlamaServerBinary, llamaServerEnv, spawnWatched } from "@paddler/agent";
import { type BenchCluster, startBenchCluster, waitForSlots } from "../lib/bench-cluster.js";
import { freePort } from "../lib/free-port.js";
import { generateOverHttp } from "../lib/generate-over-http.js";
import { median } from "../lib/percentile.js";
import { postText } from "../lib/post-text.js";
import { benchFile, modelPath, repoRoot, resultsDir } from "../lib/repo-paths.js";
import { spawnEntry } from "../lib/spawn-entry.js";

export interface LlamaServerEnginesRow {
  label: string;
  /** The median of the rounds. */
  tokensPerSecond: number;
  /** Against llama-server called directly in the same round. */
  ratio: number;
  /** Each round's tokens/s, to show the spread (absent in results from before). */
  rounds?: number[];
  /** Slots (= concurrent requests) and tokens per request of the run (absent in results from before). */
  slots?: number;
  maxTokens?: number;
}

/** The labels the report judges by: the managed engine is the balancer + agent path in front of llama-server. */
export const llamaServerDirectLabel = "llama-server direct";
export const llamaServerManagedLabel = "balancer + managed llama-server engine";
export const llamaServerBuiltInLabel = "balancer + built-in node-llama-cpp engine";

export interface LlamaServerEnginesOptions {
  slots: number;
  maxTokens: number;
  rounds: number;
  log: (line: string) => void;
}

const prompt = "Once upon a time";
const waves = 3;

async function measure(run: () => Promise<number>, concurrency: number): Promise<number> {
  const started = performance.now();
  let tokens = 0;
  for (let wave = 0; wave < waves; wave++) {
    const counts = await Promise.all(Array.from({ length: concurrency }, run));
    tokens += counts.reduce((sum, count) => sum + count, 0);
  }
  return (tokens / (performance.now() - started)) * 1000;
}

/**
 * Asked once more when it fails before any answer: llama-server closes idle keep-alive
 * connections, and a request that reuses one just then fails ("other side closed"; the product's
 * upstream probe does the same; a full bench run once lost this whole section to it).
 */
async function postOnceMore(url: string, body: string): Promise<string> {
  try {
    return await postText(url, body);
  } catch {
    return await postText(url, body);
  }
}

/** One raw-prompt completion on llama-server itself, as a user without Paddler would send it. */
async function directCompletion(rootUrl: string, maxTokens: number): Promise<number> {
  const text = await postOnceMore(
    `${rootUrl}/completion`,
    JSON.stringify({
      prompt,
      n_predict: maxTokens,
      stream: true,
      cache_prompt: true,
      temperature: 0,
      repeat_penalty: 1,
    }),
  );
  const predicted = [...text.matchAll(/"tokens_predicted":(\d+)/g)].at(-1)?.[1];
  return Number(predicted ?? 0);
}

/**
 * Issue 14: tokens/s of llama-server called directly, through our balancer with the managed
 * llama-server engine, and through our balancer with the built-in node-llama-cpp engine; same
 * model, slots and threads (1), each ratio against llama-server in the same round.
 */
export async function runLlamaServerEnginesBench(
  options: LlamaServerEnginesOptions,
): Promise<LlamaServerEnginesRow[]> {
  const { slots, maxTokens, log } = options;
  const binary = await findLlamaServerBinary(repoRoot);
  if (!binary) throw new Error("no llama-server: run scripts/build-llama-server.sh first");
  const port = await freePort();
  const rootUrl = `http://127.0.0.1:${port}`;
  const direct = spawnWatched(
    binary,
    [
      "--model",
      modelPath,
      "--host",
      "127.0.0.1",
      "--port",
      String(port),
      "--parallel",
      String(slots),
      "--ctx-size",
      "4096",
      "--threads",
      "1",
      "--batch-size",
      "512",
      "--no-webui",
    ],
    llamaServerEnv(binary),
  );
  direct.child.stdout.resume();
  direct.child.stderr.resume();
  for (;;) {
    if (
      await fetch(`${rootUrl}/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const managed: BenchCluster = await startBenchCluster({ agents: 0, slotsPerAgent: slots, engine: "llama" });
  const managedAgent = await spawnEntry<{ id: string }>({
    file: benchFile("targets/engine-agent-main.ts"),
    args: [
      managed.managementUrl.replace("http://", ""),
      String(slots),
      JSON.stringify({ kind: "LlamaServerManaged", binary }),
    ],
  });
  await waitForSlots(managed.managementUrl, slots, 120_000);
  const builtIn = await startBenchCluster({ agents: 1, slotsPerAgent: slots, engine: "llama" });
  const samples = { direct: [] as number[], managed: [] as number[], builtIn: [] as number[] };
  try {
    const overHttp = (inferenceUrl: string) => async () =>
      (await generateOverHttp({ inferenceUrl, rawPrompt: prompt, maxTokens })).contentTokens;
    // One warm-up each, then rounds in turn so machine noise hits all three alike.
    await measure(() => directCompletion(rootUrl, 8), 1);
    await measure(overHttp(managed.inferenceUrl), 1);
    await measure(overHttp(builtIn.inferenceUrl), 1);
    for (let round = 0; round < options.rounds; round++) {
      samples.direct.push(await measure(() => directCompletion(rootUrl, maxTokens), slots));
      samples.managed.push(await measure(overHttp(managed.inferenceUrl), slots));
      samples.builtIn.push(await measure(overHttp(builtIn.inferenceUrl), slots));
      log(
        `  round ${round + 1}: direct ${samples.direct.at(-1)?.toFixed(0)}, managed ${samples.managed.at(-1)?.toFixed(0)}, built-in ${samples.builtIn.at(-1)?.toFixed(0)} tokens/s`,
      );
    }
  } finally {
    await managedAgent.stop();
    await managed.stop();
    await builtIn.stop();
    await direct.stop(5000);
  }
  const base = median(samples.direct);
  const run = { slots, maxTokens };
  const rows: LlamaServerEnginesRow[] = [
    { label: llamaServerDirectLabel, tokensPerSecond: base, ratio: 1, rounds: samples.direct, ...run },
    {
      label: llamaServerManagedLabel,
      tokensPerSecond: median(samples.managed),
      ratio: median(samples.managed) / base,
      rounds: samples.managed,
      ...run,
    },
    {
      label: llamaServerBuiltInLabel,
      tokensPerSecond: median(samples.builtIn),
      ratio: median(samples.builtIn) / base,
      rounds: samples.builtIn,
      ...run,
    },
  ];
  const table = rows
    .map((row) => `| ${row.label} | ${row.tokensPerSecond.toFixed(0)} | ${(row.ratio * 100).toFixed(0)}% |`)
    .join("\n");
  await writeFile(
    join(resultsDir, "llama-server-engines.md"),
    `# llama-server engines\n\nstories260K, ${slots} slots, ${slots} concurrent raw-prompt requests of ${maxTokens} tokens, ${waves} waves, median of ${options.rounds} rounds, threads 1.\n\n| path | tokens/s | vs llama-server |\n|---|---|---|\n${table}\n`,
  );
  for (const row of rows)
    log(`  ${row.label}: ${row.tokensPerSecond.toFixed(0)} tokens/s (${(row.ratio * 100).toFixed(0)}%)`);
  return rows;
}

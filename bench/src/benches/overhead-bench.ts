import { setTimeout as sleep } from "node:timers/promises";
import { startBenchCluster } from "../lib/bench-cluster.js";
import { findExecutable } from "../lib/find-executable.js";
import { median, summarize } from "../lib/percentile.js";
import { processTreeCpuMicros } from "../lib/proc-cpu.js";
import { benchFile } from "../lib/repo-paths.js";
import { spawnEntry } from "../lib/spawn-entry.js";
import { startLoadGenerator } from "../load/load-generator.js";
import { runWrk } from "../load/run-wrk.js";
import { startNginx } from "../targets/nginx-target.js";

export type TargetName = "direct" | "nginx" | "balancer";
export type Variant = "stream" | "plain";

export interface OpenLoopRow {
  target: TargetName;
  variant: Variant;
  rate: number;
  /** Medians over rounds of each round's percentile, in ms from the scheduled send time. */
  p50Ms: number;
  p99Ms: number;
  ttfbP50Ms: number;
  ttfbP99Ms: number;
  errors: number;
  /** CPU µs per completed request of each process of the target (e.g. balancer, agent). */
  cpuUsPerRequest: Record<string, number>;
}

export interface MaxRateRow {
  target: TargetName;
  variant: Variant;
  requestsPerSecond: number;
  errors: number;
  cpuUsPerRequest: Record<string, number>;
}

export interface OverheadResult {
  balancerRoute: "openai" | "native";
  notes: string[];
  tool: "wrk" | "closed-loop";
  openLoop: OpenLoopRow[];
  maxRate: MaxRateRow[];
}

interface Target {
  name: TargetName;
  url: Record<Variant, string>;
  body: Record<Variant, string>;
  pids: Record<string, number>;
}

export interface OverheadBenchOptions {
  rounds: number;
  rates: readonly number[];
  runMs: number;
  wrkSeconds: number;
  log: (line: string) => void;
}

const tokens = 16;
const openAiBody = (stream: boolean) =>
  JSON.stringify({
    model: "bench",
    messages: [{ role: "user", content: "Hello" }],
    max_completion_tokens: tokens,
    stream,
  });
const nativeBody = JSON.stringify({ raw_prompt: "Hello", max_tokens: tokens });

async function balancerSpeaksOpenAi(openaiUrl: string): Promise<boolean> {
  try {
    const response = await fetch(`${openaiUrl}/v1/chat/completions`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: openAiBody(false),
    });
    await response.text();
    return response.status === 200;
  } catch {
    return false;
  }
}

function cpuSnapshot(pids: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, processTreeCpuMicros(pid)]));
}

function cpuPerRequest(before: Record<string, number>, after: Record<string, number>, requests: number) {
  return Object.fromEntries(
    Object.keys(before).map((name) => [
      name,
      ((after[name] ?? 0) - (before[name] ?? 0)) / Math.max(1, requests),
    ]),
  );
}

function medianRecord(records: Record<string, number>[]): Record<string, number> {
  const keys = Object.keys(records[0] ?? {});
  return Object.fromEntries(
    keys.map((key) => [key, median(records.map((record) => record[key] ?? Number.NaN))]),
  );
}

/**
 * Issue 9's proxy comparison: direct backend, nginx in front of it, and our balancer with a
 * synthetic agent, interleaved target by target within each round so machine noise hits all three.
 */
export async function runOverheadBench(options: OverheadBenchOptions): Promise<OverheadResult> {
  const { log } = options;
  const notes: string[] = [];
  const direct = await spawnEntry<{ port: number }>({
    file: benchFile("targets/direct-main.ts"),
    args: [String(tokens), "1000000"],
  });
  const directUrl = `http://127.0.0.1:${direct.ready.port}/v1/chat/completions`;
  const targets: Target[] = [
    {
      name: "direct",
      url: { stream: directUrl, plain: directUrl },
      body: { stream: openAiBody(true), plain: openAiBody(false) },
      pids: { direct: direct.pid },
    },
  ];
  const nginxExecutable = findExecutable("nginx");
  const nginx = nginxExecutable
    ? await startNginx({ executable: nginxExecutable, upstreamPort: direct.ready.port })
    : null;
  if (nginx) {
    const url = `http://127.0.0.1:${nginx.port}/v1/chat/completions`;
    targets.push({
      name: "nginx",
      url: { stream: url, plain: url },
      body: { stream: openAiBody(true), plain: openAiBody(false) },
      pids: { nginx: nginx.pid, backend: direct.pid },
    });
  } else notes.push("nginx is not installed (`apt-get install -y nginx`): the nginx target was skipped.");

  const cluster = await startBenchCluster({ agents: 1, slotsPerAgent: 256, engine: "synthetic" });
  const openAi = await balancerSpeaksOpenAi(cluster.openaiUrl);
  const nativeUrl = `${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`;
  const openAiUrl = `${cluster.openaiUrl}/v1/chat/completions`;
  targets.push({
    name: "balancer",
    url: openAi ? { stream: openAiUrl, plain: openAiUrl } : { stream: nativeUrl, plain: nativeUrl },
    body: openAi
      ? { stream: openAiBody(true), plain: openAiBody(false) }
      : { stream: nativeBody, plain: nativeBody },
    pids: { balancer: cluster.balancer.pid, agent: cluster.agents[0]?.pid ?? -1 },
  });
  if (!openAi)
    notes.push(
      "The balancer's OpenAI-compatible route did not answer yet, so the balancer was measured on the native " +
        "NDJSON route (`POST /api/v1/continue_from_raw_prompt`, 16 ContentToken lines + Done). The native API " +
        "has no non-streaming mode, so its `plain` rows are the same NDJSON stream read to the end.",
    );

  const load = await startLoadGenerator();
  const variants: Variant[] = ["stream", "plain"];
  const samples = new Map<
    string,
    { summary: Omit<OpenLoopRow, "cpuUsPerRequest">; cpu: Record<string, number> }[]
  >();
  const wrkSamples = new Map<string, { rps: number; errors: number; cpu: Record<string, number> }[]>();
  const wrk = findExecutable("wrk");
  try {
    for (const target of targets) {
      // Warm-up: JIT, connection pools and the agent's first request.
      await load.openLoop({ url: target.url.stream, body: target.body.stream, rate: 200, durationMs: 1000 });
    }
    for (let round = 0; round < options.rounds; round++) {
      // Rotate the order each round so no target always runs first after a pause.
      const order = targets.map((_, index) => targets[(index + round) % targets.length] as Target);
      for (const rate of options.rates) {
        for (const variant of variants) {
          for (const target of order) {
            const before = cpuSnapshot(target.pids);
            const result = await load.openLoop({
              url: target.url[variant],
              body: target.body[variant],
              rate,
              durationMs: options.runMs,
            });
            const after = cpuSnapshot(target.pids);
            const total = summarize(result.totalMs);
            const ttfb = summarize(result.ttfbMs);
            const key = `${target.name}/${variant}/${rate}`;
            const list = samples.get(key) ?? [];
            list.push({
              summary: {
                target: target.name,
                variant,
                rate,
                p50Ms: total.p50,
                p99Ms: total.p99,
                ttfbP50Ms: ttfb.p50,
                ttfbP99Ms: ttfb.p99,
                errors: result.errors,
              },
              cpu: cpuPerRequest(before, after, result.totalMs.length),
            });
            samples.set(key, list);
            log(
              `  round ${round + 1} ${target.name} ${variant} ${rate}/s: p50 ${total.p50.toFixed(2)} ms p99 ${total.p99.toFixed(2)} ms errors ${result.errors}`,
            );
            await sleep(200);
          }
        }
      }
      for (const variant of variants) {
        for (const target of order) {
          const before = cpuSnapshot(target.pids);
          let rps: number;
          let errors: number;
          let requests: number;
          if (wrk) {
            const result = await runWrk({
              executable: wrk,
              url: target.url[variant],
              body: target.body[variant],
              connections: 32,
              durationS: options.wrkSeconds,
            });
            rps = result.requestsPerSecond;
            errors = result.errors;
            requests = result.requests;
          } else {
            const result = await load.closedLoop({
              url: target.url[variant],
              body: target.body[variant],
              concurrency: 32,
              durationMs: options.wrkSeconds * 1000,
            });
            requests = result.totalMs.length;
            rps = requests / (result.elapsedMs / 1000);
            errors = result.errors;
          }
          const after = cpuSnapshot(target.pids);
          const key = `${target.name}/${variant}`;
          const list = wrkSamples.get(key) ?? [];
          list.push({ rps, errors, cpu: cpuPerRequest(before, after, requests) });
          wrkSamples.set(key, list);
          log(
            `  round ${round + 1} ${wrk ? "wrk" : "closed loop"} ${target.name} ${variant}: ${rps.toFixed(0)} req/s`,
          );
          await sleep(500);
        }
      }
    }
  } finally {
    await load.stop();
    await cluster.stop();
    await nginx?.stop();
    await direct.stop();
  }
  if (!wrk)
    notes.push(
      "wrk is not installed: max rates come from the bench's own closed-loop generator (32 connections).",
    );

  const openLoop: OpenLoopRow[] = [...samples.values()].map((list) => {
    const first = list[0]?.summary as OpenLoopRow;
    const pick = (field: keyof Omit<OpenLoopRow, "target" | "variant" | "cpuUsPerRequest">) =>
      median(list.map((sample) => sample.summary[field]));
    return {
      target: first.target,
      variant: first.variant,
      rate: first.rate,
      p50Ms: pick("p50Ms"),
      p99Ms: pick("p99Ms"),
      ttfbP50Ms: pick("ttfbP50Ms"),
      ttfbP99Ms: pick("ttfbP99Ms"),
      errors: list.reduce((sum, sample) => sum + sample.summary.errors, 0),
      cpuUsPerRequest: medianRecord(list.map((sample) => sample.cpu)),
    };
  });
  const maxRate: MaxRateRow[] = [...wrkSamples.entries()].map(([key, list]) => {
    const [target, variant] = key.split("/") as [TargetName, Variant];
    return {
      target,
      variant,
      requestsPerSecond: median(list.map((sample) => sample.rps)),
      errors: list.reduce((sum, sample) => sum + sample.errors, 0),
      cpuUsPerRequest: medianRecord(list.map((sample) => sample.cpu)),
    };
  });
  return {
    balancerRoute: openAi ? "openai" : "native",
    notes,
    tool: wrk ? "wrk" : "closed-loop",
    openLoop,
    maxRate,
  };
}

import { setTimeout as sleep } from "node:timers/promises";
import { startBenchCluster } from "../lib/bench-cluster.js";
import { findExecutable } from "../lib/find-executable.js";
import { median, summarize } from "../lib/percentile.js";
import { processTreeCpuMicros } from "../lib/proc-cpu.js";
import { benchFile } from "../lib/repo-paths.js";
import { spawnEntry } from "../lib/spawn-entry.js";
import { type LoadResult, startLoadGenerator } from "../load/load-generator.js";
import { startNginx } from "../targets/nginx-target.js";

/** The path a stream takes: direct/nginx speak OpenAI SSE; the balancer is measured on each route. */
export type TokenRoute = string;

export interface TokenCostRow {
  route: TokenRoute;
  /** CPU µs per stream of the proxy process (nginx, the balancer; the backend itself for direct). */
  cpuUsPer16: number;
  cpuUsPer256: number;
  /** (cpu256 − cpu16) / 240: what each further relayed token costs. */
  cpuUsPerToken: number;
  /** cpu16 − 16 × per token: what a stream costs apart from its tokens. */
  cpuUsPerRequest: number;
  /** The backend's (agent's) CPU per token, for scale. */
  backendCpuUsPerToken: number;
  errors: number;
}

export interface RelayRow {
  /** "balancer", or "balancer (before)" for the baseline build. */
  build: string;
  concurrency: number;
  tokensPerSecond: number;
  /** Balancer CPU as a share of one core over the run. */
  balancerCoreShare: number;
  /** Relayed tokens per second of balancer CPU: what one core would carry at this mix. */
  tokensPerCoreSecond: number;
  ttfbP50Ms: number;
  ttfbP99Ms: number;
  errors: number;
}

export interface TokenCostResult {
  rows: TokenCostRow[];
  relay: RelayRow[];
  notes: string[];
}

export interface TokenCostBenchOptions {
  rounds: number;
  runMs: number;
  concurrency: number;
  relayConcurrency: readonly number[];
  /** A checkout of the baseline commit: its balancer and agent are measured in the same rounds. */
  baselineRoot?: string;
  log: (line: string) => void;
}

const lengths = [16, 256] as const;
const prompt = "Hello";

interface RouteTarget {
  route: TokenRoute;
  proxy: { name: string; pid: number };
  backend: { name: string; pid: number };
  run(tokens: number, concurrency: number, durationMs: number): Promise<LoadResult>;
}

/**
 * Issue 16: CPU per stream and per relayed token on every inference route (streams of 16 and 256
 * tokens, the slope between them), against nginx and the direct backend in the same rounds, and
 * the relayed tokens/s of one balancer process as concurrency rises.
 */
export async function runTokenCostBench(options: TokenCostBenchOptions): Promise<TokenCostResult> {
  const { log } = options;
  const notes: string[] = [];
  const load = await startLoadGenerator();
  const direct = await spawnEntry<{ port: number }>({
    file: benchFile("targets/direct-main.ts"),
    args: ["16", "1000000"],
  });
  const nginxExecutable = findExecutable("nginx");
  const nginx = nginxExecutable
    ? await startNginx({ executable: nginxExecutable, upstreamPort: direct.ready.port })
    : null;
  if (!nginx) notes.push("nginx is not installed: its rows are missing.");
  // What Node's own HTTP server and client cost per stream and per token: the floor for a Node balancer.
  const nodeRelay = await spawnEntry<{ port: number }>({
    file: benchFile("targets/node-relay-main.ts"),
    args: [String(direct.ready.port)],
  });
  const cluster = await startBenchCluster({ agents: 1, slotsPerAgent: 256, engine: "synthetic" });
  const baseline = options.baselineRoot
    ? await startBenchCluster({
        agents: 1,
        slotsPerAgent: 256,
        engine: "synthetic",
        root: options.baselineRoot,
      })
    : null;
  const openAiBody = (tokens: number) =>
    JSON.stringify({
      model: "bench",
      messages: [{ role: "user", content: prompt }],
      max_completion_tokens: tokens,
      stream: true,
    });
  const http =
    (url: string, body: (tokens: number) => string) =>
    (tokens: number, concurrency: number, durationMs: number) =>
      load.closedLoop({ url, body: body(tokens), concurrency, durationMs });
  const targets: RouteTarget[] = [
    {
      route: "direct",
      proxy: { name: "direct", pid: direct.pid },
      backend: { name: "direct", pid: direct.pid },
      run: http(`http://127.0.0.1:${direct.ready.port}/v1/chat/completions`, openAiBody),
    },
  ];
  if (nginx)
    targets.push({
      route: "nginx",
      proxy: { name: "nginx", pid: nginx.pid },
      backend: { name: "backend", pid: direct.pid },
      run: http(`http://127.0.0.1:${nginx.port}/v1/chat/completions`, openAiBody),
    });
  targets.push({
    route: "node relay",
    proxy: { name: "node relay", pid: nodeRelay.pid },
    backend: { name: "backend", pid: direct.pid },
    run: http(`http://127.0.0.1:${nodeRelay.ready.port}/v1/chat/completions`, openAiBody),
  });
  const balancerRoutes = (of: typeof cluster, suffix: string): RouteTarget[] => {
    const balancer = { name: "balancer", pid: of.balancer.pid };
    const agent = { name: "agent", pid: of.agents[0]?.pid ?? -1 };
    return [
      {
        route: `balancer ndjson${suffix}`,
        proxy: balancer,
        backend: agent,
        run: http(`${of.inferenceUrl}/api/v1/continue_from_raw_prompt`, (tokens) =>
          JSON.stringify({ raw_prompt: prompt, max_tokens: tokens }),
        ),
      },
      {
        route: `balancer socket${suffix}`,
        proxy: balancer,
        backend: agent,
        run: (tokens, concurrency, durationMs) =>
          load.socketLoop({
            url: `${of.inferenceUrl.replace("http://", "ws://")}/api/v1/inference_socket`,
            request: { ContinueFromRawPrompt: { raw_prompt: prompt, max_tokens: tokens } },
            concurrency,
            durationMs,
          }),
      },
      {
        route: `balancer openai${suffix}`,
        proxy: balancer,
        backend: agent,
        run: http(`${of.openaiUrl}/v1/chat/completions`, openAiBody),
      },
    ];
  };
  targets.push(...balancerRoutes(cluster, ""));
  if (baseline) targets.push(...balancerRoutes(baseline, " (before)"));

  const samples = new Map<string, { proxy: number; backend: number; errors: number }[]>();
  const relay: RelayRow[] = [];
  try {
    for (const target of targets) await target.run(16, options.concurrency, 1000); // warm-up
    for (let round = 0; round < options.rounds; round++) {
      const order = targets.map((_, index) => targets[(index + round) % targets.length] as RouteTarget);
      for (const tokens of lengths) {
        for (const target of order) {
          const proxyBefore = processTreeCpuMicros(target.proxy.pid);
          const backendBefore = processTreeCpuMicros(target.backend.pid);
          const result = await target.run(tokens, options.concurrency, options.runMs);
          const streams = Math.max(1, result.totalMs.length);
          const proxy = (processTreeCpuMicros(target.proxy.pid) - proxyBefore) / streams;
          const backend = (processTreeCpuMicros(target.backend.pid) - backendBefore) / streams;
          const key = `${target.route}/${tokens}`;
          samples.set(key, [...(samples.get(key) ?? []), { proxy, backend, errors: result.errors }]);
          log(
            `  round ${round + 1} ${target.route} ${tokens} tokens: ${proxy.toFixed(0)} µs/stream, ${result.totalMs.length} streams, errors ${result.errors}`,
          );
          await sleep(200);
        }
      }
    }
    // How many tokens/s one balancer relays as load rises (256-token NDJSON streams).
    const builds = targets.filter((target) => target.route.startsWith("balancer ndjson"));
    for (const concurrency of options.relayConcurrency) {
      for (const ndjson of builds) {
        const pid = ndjson.proxy.pid;
        const build = ndjson.route.replace(" ndjson", "");
        const before = processTreeCpuMicros(pid);
        const started = performance.now();
        const result = await ndjson.run(256, concurrency, options.runMs);
        const seconds = (performance.now() - started) / 1000;
        const cpuSeconds = (processTreeCpuMicros(pid) - before) / 1e6;
        const tokens = result.totalMs.length * 256;
        const ttfb = summarize(result.ttfbMs);
        relay.push({
          build,
          concurrency,
          tokensPerSecond: tokens / seconds,
          balancerCoreShare: cpuSeconds / seconds,
          tokensPerCoreSecond: cpuSeconds > 0 ? tokens / cpuSeconds : Number.NaN,
          ttfbP50Ms: ttfb.p50,
          ttfbP99Ms: ttfb.p99,
          errors: result.errors,
        });
        log(
          `  relay ${build} ${concurrency} streams: ${(tokens / seconds).toFixed(0)} tokens/s at ${((cpuSeconds / seconds) * 100).toFixed(0)}% of a core`,
        );
        await sleep(200);
      }
    }
  } finally {
    await load.stop();
    await cluster.stop();
    await baseline?.stop();
    await nginx?.stop();
    await nodeRelay.stop();
    await direct.stop();
  }
  const rows = targets.map((target): TokenCostRow => {
    const pick = (tokens: number, field: "proxy" | "backend") =>
      median((samples.get(`${target.route}/${tokens}`) ?? []).map((sample) => sample[field]));
    const per16 = pick(16, "proxy");
    const per256 = pick(256, "proxy");
    const perToken = (per256 - per16) / 240;
    return {
      route: target.route,
      cpuUsPer16: per16,
      cpuUsPer256: per256,
      cpuUsPerToken: perToken,
      cpuUsPerRequest: per16 - 16 * perToken,
      backendCpuUsPerToken: (pick(256, "backend") - pick(16, "backend")) / 240,
      errors: lengths.reduce(
        (sum, tokens) =>
          sum +
          (samples.get(`${target.route}/${tokens}`) ?? []).reduce(
            (total, sample) => total + sample.errors,
            0,
          ),
        0,
      ),
    };
  });
  return { rows, relay, notes };
}

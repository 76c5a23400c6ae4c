import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startBenchCluster } from "../lib/bench-cluster.js";
import { processTreeCpuMicros } from "../lib/proc-cpu.js";
import { startLoadGenerator } from "../load/load-generator.js";
import { type CpuCategory, categorizeProfile, cpuCategories } from "../profile/cpu-categories.js";
import type { CpuProfile } from "../profile/cpu-profile.js";
import { mergeProfiles } from "../profile/merge-profiles.js";
import { type TopFrame, topFrames } from "../profile/top-frames.js";

/** One profiled load: a route and a stream length, closed loop. */
export interface ProfilePhase {
  route: "ndjson" | "openai";
  tokens: number;
  streams: number;
  errors: number;
  /**
   * Balancer CPU per stream from /proc (all threads) over the same load run just before, without
   * the profiler: the figure the categories split.
   */
  cpuUsPerStream: number;
  /** The same over the profiled span (the profiler's sampling costs CPU too). */
  profiledCpuUsPerStream: number;
  /** Share of the profile's samples that were not idle. */
  busyShare: number;
  /** Main-thread time in busy samples per stream, against the /proc CPU per stream (≈ 1 when the process had a core). */
  sampledToProcCpu: number;
  /** The /proc CPU per stream split by the categories' shares of the busy samples. */
  usPerStream: Record<CpuCategory, number>;
}

export interface ProfileResult {
  /** Share of the profile's samples that were not idle (all phases together). */
  busyShare: number;
  frames: TopFrame[];
  streams: number;
  load: string;
  /** Per-load CPU breakdowns; absent in results from before. */
  phases?: ProfilePhase[];
}

export interface ProfileBenchOptions {
  runMs: number;
  concurrency: number;
  log: (line: string) => void;
}

const prompt = "Hello";

/** Sampled busy time (µs) from the profile's time deltas: each delta is charged to its sample. */
function busyMicros(profile: CpuProfile): number {
  const idle = new Set(
    profile.nodes.filter((node) => node.callFrame.functionName === "(idle)").map((node) => node.id),
  );
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let total = 0;
  samples.forEach((id, index) => {
    if (!idle.has(id)) total += deltas[index] ?? 0;
  });
  return total;
}

/**
 * V8 CPU profiles of the balancer process under three closed-loop stream loads, each profiled
 * apart, with the balancer's /proc CPU over the same span and over the same load run just before
 * without the profiler: 16-token native NDJSON streams, 16-token OpenAI SSE streams and 256-token
 * NDJSON streams. Each profile's busy samples are sorted into categories
 * (profile/cpu-categories.ts) and the unprofiled /proc CPU per stream is split by their shares, so
 * the report can say in µs where a stream's and a token's CPU goes. The top frames and the flame
 * graph are of the three profiles together.
 */
export async function runProfileBench(
  options: ProfileBenchOptions,
): Promise<{ result: ProfileResult; profile: CpuProfile }> {
  const dir = await mkdtemp(join(tmpdir(), "paddler-bench-prof-"));
  const cluster = await startBenchCluster({ agents: 1, slotsPerAgent: 256, engine: "synthetic" });
  const load = await startLoadGenerator();
  const targets = {
    ndjson: (tokens: number) => ({
      url: `${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`,
      body: JSON.stringify({ raw_prompt: prompt, max_tokens: tokens }),
    }),
    openai: (tokens: number) => ({
      url: `${cluster.openaiUrl}/v1/chat/completions`,
      body: JSON.stringify({
        model: "bench",
        messages: [{ role: "user", content: prompt }],
        max_completion_tokens: tokens,
        stream: true,
      }),
    }),
  };
  const loads = [
    { route: "ndjson", tokens: 16 },
    { route: "openai", tokens: 16 },
    { route: "ndjson", tokens: 256 },
  ] as const;
  const profiles: CpuProfile[] = [];
  const phases: ProfilePhase[] = [];
  try {
    // Warm-up outside the profiles: JIT, sockets, the agent's first requests, on both routes.
    for (const route of ["ndjson", "openai"] as const)
      await load.closedLoop({ ...targets[route](16), concurrency: options.concurrency, durationMs: 700 });
    for (const [index, { route, tokens }] of loads.entries()) {
      const file = join(dir, `balancer-${index}.cpuprofile`);
      const run = () =>
        load.closedLoop({
          ...targets[route](tokens),
          concurrency: options.concurrency,
          durationMs: options.runMs,
        });
      // The same load without the profiler first: its /proc CPU is the cost the profile's shares split.
      const unprofiledBefore = processTreeCpuMicros(cluster.balancer.pid);
      const unprofiled = await run();
      const unprofiledCpu = processTreeCpuMicros(cluster.balancer.pid) - unprofiledBefore;
      await cluster.balancer.ask({ type: "profile-start" });
      const before = processTreeCpuMicros(cluster.balancer.pid);
      const result = await run();
      const cpu = processTreeCpuMicros(cluster.balancer.pid) - before;
      await cluster.balancer.ask({ type: "profile-stop", file });
      const profile = JSON.parse(await readFile(file, "utf8")) as CpuProfile;
      profiles.push(profile);
      const streams = Math.max(1, result.totalMs.length);
      const { hits, busy, idle } = categorizeProfile(profile);
      const cpuUsPerStream = unprofiledCpu / Math.max(1, unprofiled.totalMs.length);
      const usPerStream = Object.fromEntries(
        cpuCategories.map((category) => [category, busy > 0 ? (hits[category] / busy) * cpuUsPerStream : 0]),
      ) as Record<CpuCategory, number>;
      phases.push({
        route,
        tokens,
        streams: result.totalMs.length,
        errors: result.errors + unprofiled.errors,
        cpuUsPerStream,
        profiledCpuUsPerStream: cpu / streams,
        busyShare: busy + idle > 0 ? busy / (busy + idle) : 0,
        sampledToProcCpu: cpu > 0 ? busyMicros(profile) / cpu : Number.NaN,
        usPerStream,
      });
      options.log(
        `  profile ${route} ${tokens} tokens: ${result.totalMs.length} streams, ${cpuUsPerStream.toFixed(0)} µs/stream (${(cpu / streams).toFixed(0)} profiled), busy ${((busy / Math.max(1, busy + idle)) * 100).toFixed(0)}%`,
      );
    }
  } finally {
    await load.stop();
    await cluster.stop();
    await rm(dir, { recursive: true, force: true });
  }
  const profile = mergeProfiles(profiles);
  const { busyShare, frames } = topFrames(profile, 10);
  const seconds = options.runMs / 1000;
  return {
    result: {
      busyShare,
      frames,
      streams: phases.reduce((sum, phase) => sum + phase.streams, 0),
      load: `${options.concurrency} concurrent streams, closed loop, ${seconds} s each of 16-token NDJSON, 16-token OpenAI SSE and 256-token NDJSON streams`,
      phases,
    },
    profile,
  };
}

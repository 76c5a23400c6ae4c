import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startBenchCluster } from "../lib/bench-cluster.js";
import { startLoadGenerator } from "../load/load-generator.js";
import type { CpuProfile } from "../profile/cpu-profile.js";
import { type TopFrame, topFrames } from "../profile/top-frames.js";

export interface ProfileResult {
  /** Share of the profile's samples that were not idle. */
  busyShare: number;
  frames: TopFrame[];
  streams: number;
  load: string;
}

export interface ProfileBenchOptions {
  runMs: number;
  concurrency: number;
  log: (line: string) => void;
}

/**
 * A V8 CPU profile of the balancer process (`--cpu-prof`) under stream load: 16-token OpenAI SSE
 * streams, then 256-token native NDJSON streams, each closed loop. Returns the top frames and the
 * profile itself for the flame graph.
 */
export async function runProfileBench(
  options: ProfileBenchOptions,
): Promise<{ result: ProfileResult; profile: CpuProfile }> {
  const dir = await mkdtemp(join(tmpdir(), "paddler-bench-prof-"));
  const cluster = await startBenchCluster({
    agents: 1,
    slotsPerAgent: 256,
    engine: "synthetic",
  });
  const load = await startLoadGenerator();
  const file = join(dir, "balancer.cpuprofile");
  let streams = 0;
  try {
    // Warm-up outside the profile: JIT, sockets, the agent's first requests.
    await load.closedLoop({
      url: `${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`,
      body: JSON.stringify({ raw_prompt: "Hello", max_tokens: 16 }),
      concurrency: options.concurrency,
      durationMs: 1000,
    });
    await cluster.balancer.ask({ type: "profile-start" });
    const openai = await load.closedLoop({
      url: `${cluster.openaiUrl}/v1/chat/completions`,
      body: JSON.stringify({
        model: "bench",
        messages: [{ role: "user", content: "Hello" }],
        max_completion_tokens: 16,
        stream: true,
      }),
      concurrency: options.concurrency,
      durationMs: options.runMs,
    });
    const ndjson = await load.closedLoop({
      url: `${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`,
      body: JSON.stringify({ raw_prompt: "Hello", max_tokens: 256 }),
      concurrency: options.concurrency,
      durationMs: options.runMs,
    });
    streams = openai.totalMs.length + ndjson.totalMs.length;
    await cluster.balancer.ask({ type: "profile-stop", file });
  } finally {
    await load.stop();
    await cluster.stop();
  }
  const profile = JSON.parse(await readFile(file, "utf8")) as CpuProfile;
  await rm(dir, { recursive: true, force: true });
  const { busyShare, frames } = topFrames(profile, 10);
  options.log(`  profile: ${streams} streams, busy ${(busyShare * 100).toFixed(0)}%, top ${frames[0]?.name}`);
  return {
    result: {
      busyShare,
      frames,
      streams,
      load: `${options.concurrency} concurrent 16-token OpenAI SSE streams for ${options.runMs / 1000} s, then 256-token NDJSON streams for ${options.runMs / 1000} s`,
    },
    profile,
  };
}

import { describe, expect, it } from "vitest";
import type { ProfilePhase } from "../benches/profile-bench.js";
import type { TokenCostRow } from "../benches/token-cost-bench.js";
import { type CpuCategory, emptyCounts } from "../profile/cpu-categories.js";
import type { BenchResults } from "./bench-results.js";
import { goals } from "./goals.js";
import { renderReport } from "./render-report.js";

const phase = (
  route: ProfilePhase["route"],
  tokens: number,
  split: Partial<Record<CpuCategory, number>>,
) => ({
  route,
  tokens,
  streams: 100,
  errors: 0,
  cpuUsPerStream: 0,
  profiledCpuUsPerStream: 0,
  busyShare: 0.8,
  sampledToProcCpu: 1,
  usPerStream: { ...emptyCounts(), ...split },
});
const costRow = (route: string, per16: number, perToken: number): TokenCostRow => ({
  route,
  cpuUsPer16: per16,
  cpuUsPer256: per16 + 240 * perToken,
  cpuUsPerToken: perToken,
  cpuUsPerRequest: per16 - 16 * perToken,
  backendCpuUsPerToken: 10,
  errors: 0,
});
const latency = (p50: number) => ({ count: 100, p50, p99: p50 * 2 });

const results: BenchResults = {
  machine: { cpuModel: "test", cores: 2, memoryGiB: 4, node: "v20", kernel: "6", date: "2026-12-03" },
  packagesFrom: "dist",
  durations: {},
  problems: [],
  overhead: null,
  throughput: null,
  scale: null,
  fairness: null,
  addedLatency: [{ engine: "synthetic", direct: latency(1), balancer: latency(3) }],
  tokenCost: {
    rows: [
      costRow("nginx", 200, 9),
      costRow("node relay", 500, 20),
      costRow("balancer ndjson", 800, 20),
      costRow("balancer openai", 1000, 20),
    ],
    relay: [],
    notes: [],
  },
  profile: {
    busyShare: 0.5,
    frames: [],
    streams: 300,
    load: "test",
    phases: [
      phase("ndjson", 16, { "kernel socket writes": 300, "Node HTTP server": 100 }),
      phase("openai", 16, { "kernel socket writes": 300, "Hono routing, middleware": 300 }),
      phase("ndjson", 256, { "kernel socket writes": 3180, "Node HTTP server": 100 }),
    ],
  },
};

describe("the goals' why", () => {
  const byGoal = (start: string) => goals(results).find((goal) => goal.goal.startsWith(start))?.why ?? "";

  it("splits each missed CPU goal's measured µs by the profile's categories", () => {
    const stream = byGoal("≤ 300 µs");
    expect(stream).toContain("a bare Node relay: 500 µs per stream, 20.0 µs per token");
    expect(stream).toContain(
      "of 1000 µs per 16-token OpenAI SSE stream, by the profile's shares: 500 µs kernel socket writes (50%), 500 µs Hono routing, middleware (50%)",
    );
    expect(stream).toContain(
      "of 800 µs per 16-token NDJSON stream, by the profile's shares: 600 µs kernel socket writes (75%), 200 µs Node HTTP server (25%)",
    );
    expect(byGoal("≤ 10 µs")).toContain(
      "of 20.0 µs per token, by the profile's slope (16 to 256 tokens): 20.0 µs kernel socket writes (100%)",
    );
    // 800 − 16 × 20 = 480 µs per request; the profile: 300 − 16 × 12 = 108 writes, 100 HTTP.
    expect(byGoal("≤ 0.5 ms")).toContain(
      "of the 480 µs of balancer CPU per NDJSON request apart from its tokens, by the profile's shares: 249 µs kernel socket writes (52%), 231 µs Node HTTP server (48%)",
    );
  });

  it("renders the breakdown table and the build the figures are of", () => {
    const report = renderReport(results, []);
    expect(report).toContain("### CPU per stream and per token by category");
    expect(report).toContain("| kernel socket writes | 300 µs | 300 µs | 3180 µs | 12.0 µs | 108 µs |");
    expect(report).toContain("run from the tsc output");
  });
});

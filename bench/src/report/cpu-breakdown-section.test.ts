import { describe, expect, it } from "vitest";
import type { ProfilePhase } from "../benches/profile-bench.js";
import { type CpuCategory, emptyCounts } from "../profile/cpu-categories.js";
import { cpuBreakdownSection, perTokenByCategory, streamWhy, tokenWhy } from "./cpu-breakdown-section.js";

const phaseOf = (
  route: ProfilePhase["route"],
  tokens: number,
  split: Partial<Record<CpuCategory, number>>,
): ProfilePhase => {
  const usPerStream = { ...emptyCounts(), ...split };
  const cpu = Object.values(usPerStream).reduce((sum, value) => sum + value, 0);
  return {
    route,
    tokens,
    streams: 100,
    errors: 0,
    cpuUsPerStream: cpu,
    profiledCpuUsPerStream: cpu * 1.1,
    busyShare: 0.8,
    sampledToProcCpu: 1,
    usPerStream,
  };
};

const phases = [
  phaseOf("ndjson", 16, { "kernel socket writes": 160, "Hono routing, middleware": 240 }),
  phaseOf("openai", 16, { "kernel socket writes": 200, "Hono routing, middleware": 300 }),
  phaseOf("ndjson", 256, { "kernel socket writes": 2560, "Hono routing, middleware": 240 }),
];

describe("the CPU breakdown", () => {
  it("takes the per-token cost of each category from the 16- to 256-token slope", () => {
    const perToken = perTokenByCategory(phases);
    expect(perToken?.["kernel socket writes"]).toBeCloseTo(10);
    expect(perToken?.["Hono routing, middleware"]).toBeCloseTo(0);
  });

  it("splits a goal's measured µs by the profile's shares, heaviest first", () => {
    expect(streamWhy(phases, "openai", 1000)).toBe(
      "of 1000 µs per 16-token OpenAI SSE stream, by the profile's shares: 600 µs Hono routing, middleware (60%), 400 µs kernel socket writes (40%)",
    );
    expect(tokenWhy(phases, 20)).toContain("20.0 µs kernel socket writes (100%)");
  });

  it("renders a row per category and the totals", () => {
    const table = cpuBreakdownSection(phases).join("\n");
    expect(table).toContain("| kernel socket writes | 160 µs | 200 µs | 2560 µs | 10.0 µs | 0 µs |");
    expect(table).toContain(
      "| **total (/proc, unprofiled)** | **400 µs** | **500 µs** | **2800 µs** | **10.0 µs** | **240 µs** |",
    );
  });
});

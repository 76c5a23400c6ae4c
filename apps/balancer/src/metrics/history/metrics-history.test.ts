import { describe, expect, it } from "vitest";
import { createMetricsHistory, type GaugeSnapshot } from "./metrics-history.js";

function harness(options: { retentionMs?: number; maxAgents?: number } = {}) {
  let clock = 1_000_000;
  let gauges: GaugeSnapshot = {
    fleet: { buffered: 0, inUse: 0, total: 0 },
    pools: {},
    agents: {},
  };
  const history = createMetricsHistory({
    bucketMs: 1000,
    retentionMs: options.retentionMs ?? 10_000,
    maxAgents: options.maxAgents,
    sampleGauges: () => gauges,
    now: () => clock,
  });
  return {
    history,
    advance: () => {
      clock += 1000;
      return history.tick();
    },
    setGauges: (next: GaugeSnapshot) => {
      gauges = next;
    },
  };
}

describe("metrics history", () => {
  it("turns one bucket's reports into rates, percentiles and gauges, for the fleet, the pool and the agent", () => {
    const { history, advance, setGauges } = harness();
    const { dispatch } = history;
    dispatch.tokens("gpu-1", { prompt: 10, generated: 40 });
    dispatch.tokens("gpu-1", { prompt: 6, generated: 20 }, "chat");
    for (const ms of [10, 20, 30, 40, 200]) dispatch.firstToken("gpu-1", ms / 1000);
    dispatch.betweenTokens("gpu-1", 0.005);
    dispatch.finished("gpu-1", "completed", 1);
    dispatch.finished("gpu-1", "completed", 1, "chat");
    dispatch.finished(null, "buffer_overflow", 0);
    setGauges({
      fleet: { buffered: 2, inUse: 3, total: 4 },
      pools: { default: { buffered: 2, inUse: 3, total: 4 } },
      agents: { "gpu-1": { buffered: 0, inUse: 3, total: 4 } },
    });
    const update = advance();
    expect(update.fleet).toMatchObject({
      generated_tokens_per_second: 60,
      prompt_tokens_per_second: 16,
      requests_per_second: { completed: 2, buffer_overflow: 1 },
      time_to_first_token_ms: { p50: 30, p95: 200 },
      inter_token_ms: { p50: 5, p95: 5 },
      buffered_requests: 2,
      slots_in_use: 3,
      slots_total: 4,
    });
    expect(update.pools.chat).toMatchObject({ generated_tokens_per_second: 20, slots_total: 0 });
    expect(update.pools.default).toMatchObject({ generated_tokens_per_second: 40, slots_total: 4 });
    expect(update.agents["gpu-1"]).toMatchObject({ generated_tokens_per_second: 60, slots_in_use: 3 });
    expect(history.history().fleet).toEqual([update.fleet]);
  });

  it("keeps only the retention's worth of points, and empty buckets as zeros", () => {
    const { history, advance } = harness({ retentionMs: 5000 });
    for (let index = 0; index < 12; index++) advance();
    const { fleet } = history.history();
    expect(fleet).toHaveLength(5);
    expect(fleet[0]).toMatchObject({ generated_tokens_per_second: 0, time_to_first_token_ms: null });
    // Oldest first, one bucket apart.
    expect(fleet.map((point) => point.t)).toEqual(
      [0, 1, 2, 3, 4].map((index) => (fleet[0]?.t ?? 0) + index * 1000),
    );
  });

  it("keeps series for at most maxAgents agents, and sends each closed bucket to subscribers", () => {
    const { history, advance } = harness({ maxAgents: 2 });
    const updates: unknown[] = [];
    history.subscribe((update) => updates.push(update));
    for (const agent of ["a", "b", "c"]) history.dispatch.tokens(agent, { prompt: 1, generated: 1 });
    advance();
    expect(Object.keys(history.history().agents).sort()).toEqual(["a", "b"]);
    expect(history.history().fleet[0]?.generated_tokens_per_second).toBe(3);
    expect(updates).toHaveLength(1);
  });

  it("bounds the latency samples it keeps in a bucket however many requests come", () => {
    const { history, advance } = harness();
    for (let index = 0; index < 100_000; index++)
      history.dispatch.betweenTokens("a", index % 2 === 0 ? 0.001 : 0.003);
    const point = advance().fleet;
    expect(point.inter_token_ms?.p50).toBeGreaterThanOrEqual(1);
    expect(point.inter_token_ms?.p95).toBe(3);
  });
});

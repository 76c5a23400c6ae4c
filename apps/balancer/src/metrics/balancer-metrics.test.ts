import { describe, expect, it } from "vitest";
import { SlotPool } from "../balancing/slot-pool.js";
import { SlotPools } from "../balancing/slot-pools.js";

const slotPools = () =>
  new SlotPools(() => new SlotPool({ maxBufferedRequests: 1, bufferedRequestTimeoutMs: 1000 }));

import { createBalancerMetrics, prometheusPrefix } from "./balancer-metrics.js";

describe("createBalancerMetrics", () => {
  it("keeps its own registry per balancer, so two in one process do not collide", async () => {
    const pool = slotPools();
    const first = createBalancerMetrics({ prefix: "paddler_", pool });
    const second = createBalancerMetrics({ prefix: "paddler_", pool });
    pool.setAgentSlots("a", "default", 3);
    pool.setAgentSlots("b", "embed", 2);
    expect(await first.registry.metrics()).toContain("paddler_slots_total 5");
    expect(await second.registry.metrics()).toContain("paddler_slots_total 5");
    expect(await first.registry.metrics()).toContain('paddler_pool_slots_total{pool="embed"} 2');
  });

  it("bounds the agent label: agents past the limit share `other`", async () => {
    const pool = slotPools();
    const metrics = createBalancerMetrics({ prefix: "p_", pool, maxAgentLabels: 2 });
    for (const agent of ["a", "b", "c", "d", "a"]) metrics.dispatch.finished(agent, "completed", 0.1);
    const text = await metrics.registry.metrics();
    expect(text).toContain('p_requests_total{agent="a",outcome="completed",pool="default"} 2');
    expect(text).toContain('p_requests_total{agent="b",outcome="completed",pool="default"} 1');
    expect(text).toContain('p_requests_total{agent="other",outcome="completed",pool="default"} 2');
    expect(text).not.toContain('agent="c"');
  });

  it("labels requests and prompt tokens with their pool, and reports each pool's cache hit ratio", async () => {
    const metrics = createBalancerMetrics({ prefix: "p_", pool: slotPools() });
    metrics.dispatch.tokens("a", { prompt: 100, generated: 5, cached: 80 }, "chat");
    metrics.dispatch.tokens("a", { prompt: 100, generated: 5, cached: 0 }, "chat");
    const text = await metrics.registry.metrics();
    expect(text).toContain('p_cached_prompt_tokens_total{agent="a",pool="chat"} 80');
    expect(text).toContain('p_prefix_cache_hit_ratio{pool="chat"} 0.4');
  });

  it("turns a StatsD prefix into a valid Prometheus one", () => {
    expect(prometheusPrefix("paddler_")).toBe("paddler_");
    expect(prometheusPrefix("my.app-")).toBe("my_app_");
    expect(prometheusPrefix("9lives.")).toBe("_9lives_");
  });
});

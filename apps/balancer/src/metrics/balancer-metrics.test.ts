import { describe, expect, it } from "vitest";
import { SlotPool } from "../balancing/slot-pool.js";
import { createBalancerMetrics, prometheusPrefix } from "./balancer-metrics.js";

describe("createBalancerMetrics", () => {
  it("keeps its own registry per balancer, so two in one process do not collide", async () => {
    const pool = new SlotPool({ maxBufferedRequests: 1, bufferedRequestTimeoutMs: 1000 });
    const first = createBalancerMetrics({ prefix: "paddler_", pool });
    const second = createBalancerMetrics({ prefix: "paddler_", pool });
    pool.setAgentSlots("a", 3);
    expect(await first.registry.metrics()).toContain("paddler_slots_total 3");
    expect(await second.registry.metrics()).toContain("paddler_slots_total 3");
  });

  it("bounds the agent label: agents past the limit share `other`", async () => {
    const pool = new SlotPool({ maxBufferedRequests: 1, bufferedRequestTimeoutMs: 1000 });
    const metrics = createBalancerMetrics({ prefix: "p_", pool, maxAgentLabels: 2 });
    for (const agent of ["a", "b", "c", "d", "a"]) metrics.dispatch.finished(agent, "completed", 0.1);
    const text = await metrics.registry.metrics();
    expect(text).toContain('p_requests_total{agent="a",outcome="completed"} 2');
    expect(text).toContain('p_requests_total{agent="b",outcome="completed"} 1');
    expect(text).toContain('p_requests_total{agent="other",outcome="completed"} 2');
    expect(text).not.toContain('agent="c"');
  });

  it("turns a StatsD prefix into a valid Prometheus one", () => {
    expect(prometheusPrefix("paddler_")).toBe("paddler_");
    expect(prometheusPrefix("my.app-")).toBe("my_app_");
    expect(prometheusPrefix("9lives.")).toBe("_9lives_");
  });
});

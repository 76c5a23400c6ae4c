import { Histogram, Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import { labelledChildren } from "./labelled-children.js";

describe("labelledChildren", () => {
  it("makes each label combination's child once and reports into the same series", async () => {
    const registry = new Registry();
    const histogram = new Histogram({
      name: "h",
      help: "h",
      labelNames: ["agent", "pool"],
      registers: [registry],
    });
    let made = 0;
    const childOf = labelledChildren((agent, pool) => {
      made++;
      return histogram.labels(agent, pool);
    });
    childOf("a1", "default").observe(0.1);
    childOf("a1", "default").observe(0.2);
    childOf("a2", "default").observe(0.3);
    expect(made).toBe(2);
    const metrics = await registry.getMetricsAsJSON();
    const values = (metrics[0]?.values ?? []) as {
      metricName?: string;
      labels: Record<string, unknown>;
      value: number;
    }[];
    const counts = values.filter((value) => value.metricName === "h_count");
    expect(counts.map((value) => [value.labels.agent, value.value])).toEqual([
      ["a1", 2],
      ["a2", 1],
    ]);
  });

  it("starts over past its size bound instead of growing", () => {
    let made = 0;
    const childOf = labelledChildren(() => ({ id: made++ }), 2);
    childOf("a");
    childOf("b");
    childOf("c");
    childOf("a");
    expect(made).toBe(4);
  });
});

import { Hono } from "hono";
import type { SlotPool } from "../../balancing/slot-pool.js";

/** Paddler's three gauges in Prometheus text format, under the statsd prefix (Paddler does the same). */
export function metricsRoutes({ pool, prefix }: { pool: SlotPool; prefix: string }) {
  return new Hono().get("/", (c) => {
    const counts = pool.agentCounts();
    const processing = counts.reduce((sum, agent) => sum + agent.slotsProcessing, 0);
    const total = counts.reduce((sum, agent) => sum + agent.slotsTotal, 0);
    const gauges: [string, string, number][] = [
      ["slots_processing", "Slots processing requests across all agents", processing],
      ["slots_total", "Slots ready across all agents", total],
      ["requests_buffered", "Requests waiting for a free slot", pool.bufferedCount],
    ];
    const body = gauges
      .map(
        ([name, help, value]) =>
          `# HELP ${prefix}${name} ${help}\n# TYPE ${prefix}${name} gauge\n${prefix}${name} ${value}\n`,
      )
      .join("");
    return c.body(body, 200, { "Content-Type": "text/plain; version=0.0.4" });
  });
}

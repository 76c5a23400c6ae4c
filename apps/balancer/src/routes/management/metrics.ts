import { Hono } from "hono";
import type { Registry } from "prom-client";

/** `/metrics` in Prometheus text format: Paddler's gauges under the statsd prefix, plus ours. */
export function metricsRoutes({ registry }: { registry: Registry }) {
  return new Hono().get("/", async (c) =>
    c.body(await registry.metrics(), 200, { "Content-Type": registry.contentType }),
  );
}

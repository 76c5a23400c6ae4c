import { Gauge, type Registry } from "prom-client";
import type { AutoscalingSignal } from "../autoscaling/autoscaling-signal.js";

/**
 * `<prefix>autoscaling_desired_agents{pool}`: the agents each pool's load asks for (the rule of
 * `GET /api/v1/autoscaling`), and `<prefix>autoscaling_busy_slots{pool}` from the agents' own
 * reports, for a Prometheus-based autoscaler such as KEDA's prometheus scaler.
 */
export function registerAutoscalingMetrics(options: {
  registry: Registry;
  prefix: string;
  signal: AutoscalingSignal;
}): void {
  const { signal } = options;
  new Gauge({
    name: `${options.prefix}autoscaling_desired_agents`,
    help: "Agents the pool's current load asks for (busy slots, buffered requests and their wait)",
    labelNames: ["pool"],
    registers: [options.registry],
    collect() {
      this.reset();
      for (const pool of signal.report().pools) this.set({ pool: pool.pool }, pool.desired_agents);
    },
  });
  new Gauge({
    name: `${options.prefix}autoscaling_busy_slots`,
    help: "Slots running a request in the pool, as the agents report them (requests from every balancer)",
    labelNames: ["pool"],
    registers: [options.registry],
    collect() {
      this.reset();
      for (const pool of signal.report().pools) this.set({ pool: pool.pool }, pool.busy_slots);
    },
  });
}

import { Counter, type Registry } from "prom-client";

/**
 * `<prefix>agent_refusals_total`: requests an agent refused because every slot was taken (by
 * another balancer sharing it). Each is dispatched again or buffered; a high rate means the
 * balancers' view of the agents lags behind.
 */
export function registerAgentRefusalMetrics(options: { registry: Registry; prefix: string }): () => void {
  const refusals = new Counter({
    name: `${options.prefix}agent_refusals_total`,
    help: "Requests an agent refused with every slot taken; each was dispatched again or buffered",
    registers: [options.registry],
  });
  return () => refusals.inc();
}

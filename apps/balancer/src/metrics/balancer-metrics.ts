import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { SlotPool } from "../balancing/slot-pool.js";
import type { DispatchMetrics } from "./dispatch-metrics.js";

/** Paddler's three gauges, as StatsD and `/metrics` both report them. */
export interface PaddlerGauges {
  slots_processing: number;
  slots_total: number;
  requests_buffered: number;
}

export interface BalancerMetrics {
  readonly registry: Registry;
  readonly dispatch: DispatchMetrics;
  gauges(): PaddlerGauges;
}

/** Prometheus names allow `[a-zA-Z0-9_:]`; a StatsD prefix such as `paddler.` becomes `paddler_`. */
export function prometheusPrefix(prefix: string): string {
  const cleaned = prefix.replace(/[^a-zA-Z0-9_:]/g, "_");
  return /^[0-9]/.test(cleaned) ? `_${cleaned}` : cleaned;
}

const OTHER_AGENTS = "other";

/** At most `limit` distinct agent label values; later agents share one, so a churn of ids cannot blow up the series. */
function agentLabels(limit: number): (agent: string | null) => string {
  const seen = new Set<string>();
  return (agent) => {
    if (agent === null) return "none";
    if (seen.has(agent)) return agent;
    if (seen.size >= limit) return OTHER_AGENTS;
    seen.add(agent);
    return agent;
  };
}

const latencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const durationBuckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

/**
 * The balancer's metrics in their own registry (never prom-client's global one, so two balancers in
 * one process stay apart): Paddler's gauges under its names, plus latency histograms and counters
 * of requests by outcome and of tokens, by agent.
 */
export function createBalancerMetrics(options: {
  prefix: string;
  pool: SlotPool;
  maxAgentLabels?: number;
}): BalancerMetrics {
  const { pool, maxAgentLabels = 64 } = options;
  const prefix = prometheusPrefix(options.prefix);
  const registry = new Registry();
  const label = agentLabels(maxAgentLabels);
  const gauges = (): PaddlerGauges => {
    const counts = pool.agentCounts();
    return {
      slots_processing: counts.reduce((sum, agent) => sum + agent.slotsProcessing, 0),
      slots_total: counts.reduce((sum, agent) => sum + agent.slotsTotal, 0),
      requests_buffered: pool.bufferedCount,
    };
  };
  const gauge = (name: keyof PaddlerGauges, help: string) =>
    new Gauge({
      name: `${prefix}${name}`,
      help,
      registers: [registry],
      collect() {
        this.set(gauges()[name]);
      },
    });
  gauge("slots_processing", "Slots processing requests across all agents");
  gauge("slots_total", "Slots ready across all agents");
  gauge("requests_buffered", "Requests waiting for a free slot");

  const bufferWait = new Histogram({
    name: `${prefix}buffer_wait_seconds`,
    help: "Time a request waited for a free slot",
    buckets: latencyBuckets,
    registers: [registry],
  });
  const firstToken = new Histogram({
    name: `${prefix}time_to_first_token_seconds`,
    help: "Time from a request's arrival to its first token or embedding",
    labelNames: ["agent"],
    buckets: latencyBuckets,
    registers: [registry],
  });
  const betweenTokens = new Histogram({
    name: `${prefix}time_between_tokens_seconds`,
    help: "Gap between two consecutive tokens or embeddings of a request",
    labelNames: ["agent"],
    buckets: latencyBuckets,
    registers: [registry],
  });
  const duration = new Histogram({
    name: `${prefix}request_duration_seconds`,
    help: "Time from a request's arrival to its end, by outcome",
    labelNames: ["agent", "outcome"],
    buckets: durationBuckets,
    registers: [registry],
  });
  const requests = new Counter({
    name: `${prefix}requests_total`,
    help: "Requests that ended, by agent and outcome",
    labelNames: ["agent", "outcome"],
    registers: [registry],
  });
  const promptTokens = new Counter({
    name: `${prefix}prompt_tokens_total`,
    help: "Prompt tokens of finished generations",
    labelNames: ["agent"],
    registers: [registry],
  });
  const generatedTokens = new Counter({
    name: `${prefix}generated_tokens_total`,
    help: "Tokens generated (content, reasoning, tool calls, undeterminable)",
    labelNames: ["agent"],
    registers: [registry],
  });

  return {
    registry,
    gauges,
    dispatch: {
      bufferWait: (seconds) => bufferWait.observe(seconds),
      firstToken: (agent, seconds) => firstToken.observe({ agent: label(agent) }, seconds),
      betweenTokens: (agent, seconds) => betweenTokens.observe({ agent: label(agent) }, seconds),
      tokens: (agent, counts) => {
        promptTokens.inc({ agent: label(agent) }, counts.prompt);
        generatedTokens.inc({ agent: label(agent) }, counts.generated);
      },
      finished: (agent, outcome, seconds) => {
        const labels = { agent: label(agent), outcome };
        requests.inc(labels);
        duration.observe(labels, seconds);
      },
    },
  };
}

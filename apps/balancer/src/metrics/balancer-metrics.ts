import { DEFAULT_MODEL_POOL } from "@paddler/protocol";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { DriftKind } from "../agents/agent-registry.js";
import type { SlotPools } from "../balancing/slot-pools.js";
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
  /** Counts slot drift healed by reconciling leases with the agents' reports. */
  driftHealed(kind: DriftKind, count: number): void;
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
  pool: SlotPools;
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
    labelNames: ["pool"],
    buckets: latencyBuckets,
    registers: [registry],
  });
  const firstToken = new Histogram({
    name: `${prefix}time_to_first_token_seconds`,
    help: "Time from a request's arrival to its first token or embedding",
    labelNames: ["agent", "pool"],
    buckets: latencyBuckets,
    registers: [registry],
  });
  const betweenTokens = new Histogram({
    name: `${prefix}time_between_tokens_seconds`,
    help: "Gap between two consecutive tokens or embeddings of a request",
    labelNames: ["agent", "pool"],
    buckets: latencyBuckets,
    registers: [registry],
  });
  const duration = new Histogram({
    name: `${prefix}request_duration_seconds`,
    help: "Time from a request's arrival to its end, by outcome",
    labelNames: ["agent", "outcome", "pool"],
    buckets: durationBuckets,
    registers: [registry],
  });
  const requests = new Counter({
    name: `${prefix}requests_total`,
    help: "Requests that ended, by agent and outcome",
    labelNames: ["agent", "outcome", "pool"],
    registers: [registry],
  });
  const promptTokens = new Counter({
    name: `${prefix}prompt_tokens_total`,
    help: "Prompt tokens of finished generations",
    labelNames: ["agent", "pool"],
    registers: [registry],
  });
  const cachedPromptTokens = new Counter({
    name: `${prefix}cached_prompt_tokens_total`,
    help: "Prompt tokens of finished generations that the agent took from its KV cache",
    labelNames: ["agent", "pool"],
    registers: [registry],
  });
  // Per pool, what prefix-aware routing is for: the share of prompt tokens served from cache.
  const promptByPool = new Map<string, { prompt: number; cached: number }>();
  new Gauge({
    name: `${prefix}prefix_cache_hit_ratio`,
    help: "Cached prompt tokens / prompt tokens of finished generations since start, by pool",
    labelNames: ["pool"],
    registers: [registry],
    collect() {
      this.reset();
      for (const [name, totals] of promptByPool)
        if (totals.prompt > 0) this.set({ pool: name }, totals.cached / totals.prompt);
    },
  });
  const poolGauge = (name: string, help: string, value: (slots: ReturnType<SlotPools["pool"]>) => number) =>
    new Gauge({
      name: `${prefix}pool_${name}`,
      help,
      labelNames: ["pool"],
      registers: [registry],
      collect() {
        this.reset();
        for (const [poolName, slots] of pool.entries()) this.set({ pool: poolName }, value(slots));
      },
    });
  const sum = (
    counts: { slotsProcessing: number; slotsTotal: number }[],
    key: "slotsProcessing" | "slotsTotal",
  ) => counts.reduce((total, agent) => total + agent[key], 0);
  poolGauge("slots_processing", "Slots processing requests, by pool", (slots) =>
    sum(slots.agentCounts(), "slotsProcessing"),
  );
  poolGauge("slots_total", "Slots ready, by pool", (slots) => sum(slots.agentCounts(), "slotsTotal"));
  poolGauge("requests_buffered", "Requests waiting for a free slot, by pool", (slots) => slots.bufferedCount);
  poolGauge("agents", "Agents serving the pool", (slots) => slots.agentCounts().length);
  const generatedTokens = new Counter({
    name: `${prefix}generated_tokens_total`,
    help: "Tokens generated (content, reasoning, tool calls, undeterminable)",
    labelNames: ["agent", "pool"],
    registers: [registry],
  });

  const driftHealed = new Counter({
    name: `${prefix}slot_drift_healed_total`,
    help: "Leases released because their agent does not run them, and requests stopped on an agent because nobody here waits for them",
    labelNames: ["kind"],
    registers: [registry],
  });

  return {
    registry,
    gauges,
    driftHealed: (kind, count) => driftHealed.inc({ kind }, count),
    dispatch: {
      bufferWait: (seconds, pool = DEFAULT_MODEL_POOL) => bufferWait.observe({ pool }, seconds),
      firstToken: (agent, seconds, pool = DEFAULT_MODEL_POOL) =>
        firstToken.observe({ agent: label(agent), pool }, seconds),
      betweenTokens: (agent, seconds, pool = DEFAULT_MODEL_POOL) =>
        betweenTokens.observe({ agent: label(agent), pool }, seconds),
      tokens: (agent, counts, pool = DEFAULT_MODEL_POOL) => {
        promptTokens.inc({ agent: label(agent), pool }, counts.prompt);
        cachedPromptTokens.inc({ agent: label(agent), pool }, counts.cached ?? 0);
        generatedTokens.inc({ agent: label(agent), pool }, counts.generated);
        const totals = promptByPool.get(pool) ?? { prompt: 0, cached: 0 };
        totals.prompt += counts.prompt;
        totals.cached += counts.cached ?? 0;
        if (!promptByPool.has(pool) && promptByPool.size >= 256) return;
        promptByPool.set(pool, totals);
      },
      finished: (agent, outcome, seconds, pool = DEFAULT_MODEL_POOL) => {
        const labels = { agent: label(agent), outcome, pool };
        requests.inc(labels);
        duration.observe(labels, seconds);
      },
    },
  };
}

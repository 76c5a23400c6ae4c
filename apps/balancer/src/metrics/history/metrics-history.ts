import type {
  MetricsHistory,
  MetricsHistoryUpdate,
  MetricsPoint,
  RequestOutcomeName,
} from "@paddler/protocol";
import type { DispatchMetrics } from "../dispatch-metrics.js";
import { BucketAccumulator, type GaugeSample } from "./bucket-accumulator.js";

export interface GaugeSnapshot {
  fleet: GaugeSample;
  pools: Record<string, GaugeSample>;
  /** Keyed by agent label (name or id). */
  agents: Record<string, GaugeSample>;
}

export interface MetricsHistoryOptions {
  /** The resolution: one point per series per bucket. */
  bucketMs?: number;
  /** How far back points are kept; memory is bounded by retention / bucket × series. */
  retentionMs?: number;
  /** Series kept for at most this many agents; the rest are counted in the fleet and pool only. */
  maxAgents?: number;
  /** Slots and buffer at the end of each bucket. */
  sampleGauges(): GaugeSnapshot;
  now?: () => number;
}

export interface MetricsHistoryStore {
  /** Feed it from the dispatcher (beside the Prometheus metrics). */
  readonly dispatch: DispatchMetrics;
  history(sinceMs?: number): MetricsHistory;
  /** Closes the current bucket and starts the next one; the timer calls it every bucket. */
  tick(): MetricsHistoryUpdate;
  subscribe(listener: (update: MetricsHistoryUpdate) => void): () => void;
  /** Starts the timer that calls tick() every bucket; returns its stop function. */
  start(): () => void;
}

const FLEET = "\u0000fleet";
const DEFAULT_POOL = "default";

/**
 * The balancer's own recent history of fleet metrics, per pool and per agent: the last hour at a
 * 5 s resolution by default, in fixed-size arrays so memory stays bounded however long it runs.
 */
export function createMetricsHistory({
  bucketMs = 5000,
  retentionMs = 3_600_000,
  maxAgents = 64,
  sampleGauges,
  now = Date.now,
}: MetricsHistoryOptions): MetricsHistoryStore {
  const capacity = Math.ceil(retentionMs / bucketMs);
  let bucketStart = Math.floor(now() / bucketMs) * bucketMs;
  let current = new Map<string, BucketAccumulator>();
  const fleet: MetricsPoint[] = [];
  const pools = new Map<string, MetricsPoint[]>();
  const agents = new Map<string, MetricsPoint[]>();
  const listeners = new Set<(update: MetricsHistoryUpdate) => void>();

  // The accumulators each (agent, pool) reports to in this bucket, found once per bucket rather
  // than per relayed token.
  let resolved = new Map<string, BucketAccumulator[]>();
  const accumulators = (agent: string | null, pool: string | undefined): BucketAccumulator[] => {
    const cacheKey = `${agent ?? ""}\u0000${pool ?? DEFAULT_POOL}`;
    let found = resolved.get(cacheKey);
    if (found === undefined) {
      found = resolveAccumulators(agent, pool);
      resolved.set(cacheKey, found);
    }
    return found;
  };
  const resolveAccumulators = (agent: string | null, pool: string | undefined): BucketAccumulator[] => {
    const keys = [FLEET, `pool:${pool ?? DEFAULT_POOL}`];
    if (agent !== null && (agents.has(agent) || agents.size < maxAgents)) keys.push(`agent:${agent}`);
    return keys.map((key) => {
      let accumulator = current.get(key);
      if (!accumulator) {
        accumulator = new BucketAccumulator();
        current.set(key, accumulator);
      }
      return accumulator;
    });
  };

  const dispatch: DispatchMetrics = {
    bufferWait: () => {},
    firstToken: (agent, seconds, pool) => {
      for (const accumulator of accumulators(agent, pool)) accumulator.firstToken(seconds * 1000);
    },
    betweenTokens: (agent, seconds, pool) => {
      for (const accumulator of accumulators(agent, pool)) accumulator.betweenTokens(seconds * 1000);
    },
    tokens: (agent, counts, pool) => {
      for (const accumulator of accumulators(agent, pool)) {
        accumulator.generated += counts.generated;
        accumulator.prompt += counts.prompt;
      }
    },
    finished: (agent, outcome, _seconds, pool) => {
      for (const accumulator of accumulators(agent, pool))
        accumulator.finished(outcome as RequestOutcomeName);
    },
  };

  const append = (series: MetricsPoint[], point: MetricsPoint) => {
    series.push(point);
    if (series.length > capacity) series.splice(0, series.length - capacity);
  };

  const empty: GaugeSample = { buffered: 0, inUse: 0, total: 0 };

  const tick = (): MetricsHistoryUpdate => {
    const gauges = sampleGauges();
    const closed = current;
    const t = bucketStart;
    current = new Map();
    resolved = new Map();
    bucketStart = Math.max(bucketStart + bucketMs, Math.floor(now() / bucketMs) * bucketMs);
    const point = (key: string, sample: GaugeSample) =>
      (closed.get(key) ?? new BucketAccumulator()).toPoint(t, bucketMs, sample);
    const update: MetricsHistoryUpdate = { fleet: point(FLEET, gauges.fleet), pools: {}, agents: {} };
    append(fleet, update.fleet);
    const poolNames = new Set([...Object.keys(gauges.pools), ...keysWith(closed, "pool:")]);
    for (const name of poolNames) {
      const value = point(`pool:${name}`, gauges.pools[name] ?? empty);
      update.pools[name] = value;
      const series = pools.get(name) ?? [];
      pools.set(name, series);
      append(series, value);
    }
    const agentNames = new Set([...Object.keys(gauges.agents), ...keysWith(closed, "agent:")]);
    for (const name of agentNames) {
      const known = agents.get(name);
      if (!known && agents.size >= maxAgents) continue;
      const series = known ?? [];
      agents.set(name, series);
      const value = point(`agent:${name}`, gauges.agents[name] ?? empty);
      update.agents[name] = value;
      append(series, value);
    }
    // An agent gone for the whole retention has no points left to show: forget it.
    for (const [name, series] of agents) {
      const last = series.at(-1);
      if (!agentNames.has(name) && (last === undefined || last.t < t - retentionMs)) agents.delete(name);
    }
    for (const listener of listeners) listener(update);
    return update;
  };

  return {
    dispatch,
    tick,
    history: (sinceMs) => {
      const since = sinceMs ?? 0;
      const after = (series: MetricsPoint[]) =>
        since > 0 ? series.filter((p) => p.t >= since) : [...series];
      return {
        bucket_ms: bucketMs,
        retention_ms: retentionMs,
        fleet: after(fleet),
        pools: Object.fromEntries([...pools].map(([name, series]) => [name, after(series)])),
        agents: Object.fromEntries([...agents].map(([name, series]) => [name, after(series)])),
      };
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start: () => {
      const timer = setInterval(tick, bucketMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}

function keysWith(map: Map<string, unknown>, prefix: string): string[] {
  return [...map.keys()].filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length));
}

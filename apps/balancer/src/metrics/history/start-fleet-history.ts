import type { AgentRegistry } from "../../agents/agent-registry.js";
import { type AgentTimelineStore, createAgentTimeline } from "../../agents/agent-timeline.js";
import type { SlotPools } from "../../balancing/slot-pools.js";
import type { DispatchMetrics } from "../dispatch-metrics.js";
import type { GaugeSample } from "./bucket-accumulator.js";
import { createMetricsHistory, type GaugeSnapshot, type MetricsHistoryStore } from "./metrics-history.js";
import { createRecentRequests, type RecentRequestsStore } from "./recent-requests.js";

export interface FleetHistory {
  readonly history: MetricsHistoryStore;
  readonly recentRequests: RecentRequestsStore;
  readonly agentTimeline: AgentTimelineStore;
  /** Per request, for the dispatcher's `requestMetrics`. */
  requestMetrics(context: {
    requestId: string;
    pool: string | undefined;
    traceId: string | null;
  }): DispatchMetrics;
  close(): void;
}

/**
 * Starts what the admin panel's history views read: the metrics history (sampling the slots and
 * buffers every bucket), the recent requests and the agents' timeline.
 */
export function startFleetHistory(options: {
  registry: AgentRegistry;
  slots: SlotPools;
  bucketMs?: number;
  retentionMs?: number;
}): FleetHistory {
  const { registry, slots } = options;
  const sampleGauges = (): GaugeSnapshot => {
    const pools: Record<string, GaugeSample> = {};
    const agents: Record<string, GaugeSample> = {};
    for (const [name, pool] of slots.entries()) {
      const counts = pool.agentCounts();
      pools[name] = {
        buffered: pool.bufferedCount,
        inUse: counts.reduce((sum, agent) => sum + agent.slotsProcessing, 0),
        total: counts.reduce((sum, agent) => sum + agent.slotsTotal, 0),
      };
      for (const agent of counts) {
        const label = registry.get(agent.id)?.name ?? agent.id;
        agents[label] = { buffered: 0, inUse: agent.slotsProcessing, total: agent.slotsTotal };
      }
    }
    const sum = (key: keyof GaugeSample) =>
      Object.values(pools).reduce((total, pool) => total + pool[key], 0);
    return { fleet: { buffered: sum("buffered"), inUse: sum("inUse"), total: sum("total") }, pools, agents };
  };
  const history = createMetricsHistory({
    sampleGauges,
    bucketMs: options.bucketMs,
    retentionMs: options.retentionMs,
  });
  const stopHistory = history.start();
  const recentRequests = createRecentRequests();
  const agentTimeline = createAgentTimeline();
  // Registry changes come in bursts (every lease and status update): look at most every 50 ms.
  let scheduled: NodeJS.Timeout | null = null;
  const observe = () => {
    if (scheduled) clearTimeout(scheduled);
    scheduled = null;
    agentTimeline.observe(registry.snapshots());
  };
  const stopTimeline = registry.subscribe(() => {
    scheduled ??= setTimeout(observe, 50);
  });
  // An operator's action is looked at as it happens (before and after), never sampled away.
  const stopOperatorActions = registry.subscribeToOperatorActions(observe);
  return {
    history,
    recentRequests,
    agentTimeline,
    requestMetrics: (context) => recentRequests.track(context),
    close: () => {
      stopHistory();
      stopTimeline();
      stopOperatorActions();
      if (scheduled) clearTimeout(scheduled);
    },
  };
}

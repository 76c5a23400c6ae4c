import type { ModelPoolName } from "@paddler/protocol";
import type { AgentRegistry } from "../agents/agent-registry.js";
import type { SlotPools } from "../balancing/slot-pools.js";
import {
  AUTOSCALING_RULE_TEXT,
  type AutoscalingRule,
  desiredAgents,
  type PoolLoad,
} from "./desired-agents.js";

export interface PoolAutoscaling {
  pool: ModelPoolName;
  agents: number;
  slots_total: number;
  slots_per_agent: number;
  busy_slots: number;
  buffered_requests: number;
  oldest_buffered_wait_ms: number;
  desired_agents: number;
}

/** The body of `GET /api/v1/autoscaling`. */
export interface AutoscalingReport {
  rule: { text: string; target_utilization: number; slots_per_agent: number; scale_up_wait_ms: number };
  pools: PoolAutoscaling[];
}

export interface AutoscalingSignal {
  report(): AutoscalingReport;
}

/** Reads each pool's load from the agents' status and this balancer's buffer, and applies the rule. */
export function createAutoscalingSignal(options: {
  pools: () => ModelPoolName[];
  registry: AgentRegistry;
  slots: SlotPools;
  rule: AutoscalingRule;
}): AutoscalingSignal {
  const { registry, slots, rule } = options;
  const loadOf = (pool: ModelPoolName): PoolLoad => {
    const agents = registry.inPool(pool);
    const slotPool = slots.pool(pool);
    return {
      agents: agents.length,
      slotsTotal: agents.reduce((sum, agent) => sum + agent.slotsTotal, 0),
      // Each agent's own report counts what every balancer sent it; ours may be fresher.
      busySlots: agents.reduce(
        (sum, agent) => sum + Math.max(slots.slotsProcessing(agent.id), agent.reportedSlotsProcessing),
        0,
      ),
      bufferedRequests: slotPool.bufferedCount,
      oldestBufferedWaitMs: slotPool.oldestBufferedWaitMs(),
    };
  };
  return {
    report() {
      return {
        rule: {
          text: AUTOSCALING_RULE_TEXT,
          target_utilization: rule.targetUtilization,
          slots_per_agent: rule.slotsPerAgent,
          scale_up_wait_ms: rule.scaleUpWaitMs,
        },
        pools: options.pools().map((pool) => {
          const load = loadOf(pool);
          const { desired, slotsPerAgent } = desiredAgents(load, rule);
          return {
            pool,
            agents: load.agents,
            slots_total: load.slotsTotal,
            slots_per_agent: slotsPerAgent,
            busy_slots: load.busySlots,
            buffered_requests: load.bufferedRequests,
            oldest_buffered_wait_ms: load.oldestBufferedWaitMs,
            desired_agents: desired,
          };
        }),
      };
    },
  };
}

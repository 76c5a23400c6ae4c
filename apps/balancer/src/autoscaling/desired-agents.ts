/** What one pool's load looks like to this balancer, the input of the autoscaling rule. */
export interface PoolLoad {
  /** Agents connected in the pool, loading ones included. */
  agents: number;
  /** Slots those agents have ready. */
  slotsTotal: number;
  /**
   * Slots running a request: per agent, the larger of this balancer's own count and what the agent
   * reports, so requests that other balancers sent count too.
   */
  busySlots: number;
  /** Requests waiting in this balancer's buffer for a free slot. */
  bufferedRequests: number;
  /** How long the oldest of them has waited. */
  oldestBufferedWaitMs: number;
}

export interface AutoscalingRule {
  /** Fraction of slots the fleet should run busy (0 < u ≤ 1): 0.8 leaves a fifth free for bursts. */
  targetUtilization: number;
  /** Slots one agent brings, used while the pool has no agent with slots to learn it from. */
  slotsPerAgent: number;
  /** A buffered request older than this asks for one agent more than there are, whatever the ratio says. */
  scaleUpWaitMs: number;
}

export const defaultAutoscalingRule: AutoscalingRule = {
  targetUtilization: 0.8,
  slotsPerAgent: 4,
  scaleUpWaitMs: 2000,
};

/** The rule in words, as `GET /api/v1/autoscaling` and the README give it. */
export const AUTOSCALING_RULE_TEXT =
  "desired_agents = ceil((busy_slots + buffered_requests) / (slots_per_agent * target_utilization)); " +
  "at least agents + 1 while the oldest buffered request has waited scale_up_wait_ms or more; " +
  "0 when nothing runs and nothing waits";

/**
 * How many agents the pool's current load asks for. Pure, so the rule can be read and tested alone:
 * demand is busy slots plus buffered requests, divided by what one agent serves at the target
 * utilization; a buffer that is not draining adds one agent; no demand asks for none (scale to
 * zero: requests that then arrive wait in the buffer and ask for an agent again).
 */
export function desiredAgents(
  load: PoolLoad,
  rule: AutoscalingRule,
): { desired: number; slotsPerAgent: number } {
  const readyAgents = load.slotsTotal > 0 ? load.agents : 0;
  const slotsPerAgent = readyAgents > 0 ? load.slotsTotal / readyAgents : rule.slotsPerAgent;
  const demand = load.busySlots + load.bufferedRequests;
  if (demand === 0) return { desired: 0, slotsPerAgent };
  let desired = Math.ceil(demand / (slotsPerAgent * rule.targetUtilization));
  if (load.bufferedRequests > 0 && load.oldestBufferedWaitMs >= rule.scaleUpWaitMs)
    desired = Math.max(desired, load.agents + 1);
  return { desired, slotsPerAgent };
}

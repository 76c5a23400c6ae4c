export interface AgentSlotCounts {
  readonly id: string;
  /** Requests the balancer itself has handed to this agent and not yet seen finish. */
  readonly slotsProcessing: number;
  /** Slots the agent reports ready. */
  readonly slotsTotal: number;
}

/**
 * The dispatch rule: skip full agents, take the one running the fewest requests; on a tie, the one
 * with more free slots (so bigger agents fill first), then the earliest registered.
 */
export function pickLeastBusyAgent(agents: Iterable<AgentSlotCounts>): string | null {
  let best: AgentSlotCounts | null = null;
  for (const agent of agents) {
    if (agent.slotsProcessing >= agent.slotsTotal) continue;
    if (
      best === null ||
      agent.slotsProcessing < best.slotsProcessing ||
      (agent.slotsProcessing === best.slotsProcessing &&
        agent.slotsTotal - agent.slotsProcessing > best.slotsTotal - best.slotsProcessing)
    ) {
      best = agent;
    }
  }
  return best?.id ?? null;
}

import type { AgentRequest } from "@paddler/protocol";
import type { AgentSlotCounts } from "../pick-least-busy-agent.js";

/** What a request tells the policy that picks its agent. */
export interface DispatchHint {
  /** A client's session (X-Session-Id, prompt_cache_key, user, …) for the sticky policy. */
  sessionKey?: string | undefined;
  /** The request itself: the prefix-affinity policy reads its prompt. */
  request?: AgentRequest | undefined;
}

/**
 * A pool's rule for which agent takes a request. `pick` sees only agents that may take work now
 * (the circuit breaker allows them), full ones included so it can tell load apart; it must return
 * an agent with a free slot, or null.
 */
export interface AgentPicker {
  pick(agents: readonly AgentSlotCounts[], hint: DispatchHint): string | null;
  /** Told after each lease, so the policy can remember where a session or prefix went. */
  leased?(agentId: string, hint: DispatchHint): void;
}

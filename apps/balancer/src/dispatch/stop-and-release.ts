import type { AgentController, AgentRequestHandle } from "../agents/agent-controller.js";
import { isTerminal } from "./response-kinds.js";

/**
 * A request the balancer no longer wants: ask the agent to stop it and keep its slot claimed until
 * the agent confirms with a terminal reply, or the item timeout passes (Paddler's
 * DrainingUntilAgentConfirms), so no agent runs more requests than it has slots. Should neither
 * come, reconciliation with the agent's report frees it sooner.
 */
export async function stopAndRelease(
  agent: AgentController,
  handle: AgentRequestHandle,
  itemTimeoutMs: number,
): Promise<void> {
  agent.stopRespondingTo(handle.id);
  try {
    for (;;) {
      const next = await handle.replies.take(itemTimeoutMs);
      if (next.kind !== "item") break;
      if (next.item.kind === "error" || isTerminal(next.item.envelope.response)) break;
    }
  } finally {
    handle.close();
  }
}

import type { AgentController, AgentRequestHandle } from "../agents/agent-controller.js";
import { isTerminal } from "./response-kinds.js";

/**
 * A request the balancer no longer wants: ask the agent to stop it and keep its slot claimed until
 * the agent confirms with a terminal reply, or the item timeout passes (Paddler's
 * DrainingUntilAgentConfirms), so no agent runs more requests than it has slots. Should neither
 * come, reconciliation with the agent's report frees it sooner.
 */
export function stopAndRelease(
  agent: AgentController,
  handle: AgentRequestHandle,
  itemTimeoutMs: number,
): void {
  agent.stopRespondingTo(handle.id);
  const timer = setTimeout(() => done(), itemTimeoutMs);
  const done = () => {
    clearTimeout(timer);
    handle.replies.listen(null);
    handle.close();
  };
  handle.replies.listen({
    item(reply) {
      if (reply.kind === "error" || isTerminal(reply.envelope.response)) done();
      else timer.refresh();
    },
    closed: done,
  });
}

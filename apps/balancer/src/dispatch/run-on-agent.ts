import type { Logger } from "@paddler/logger";
import { type AgentRequest, isAgentSlotsFullError } from "@paddler/protocol";
import type { AgentController } from "../agents/agent-controller.js";
import type { SlotLease } from "../balancing/slot-pool.js";
import type { SlotPools } from "../balancing/slot-pools.js";
import {
  AgentConnectionClosedError,
  AgentsLostError,
  ItemTimeoutError,
  ShuttingDownError,
} from "../errors.js";
import type { DispatchMetrics, RequestOutcome } from "../metrics/dispatch-metrics.js";
import { boundUsageInResponse } from "./bound-usage.js";
import { type DispatchEvent, errorEvent } from "./dispatch-event.js";
import { doneUsage, isAgentFault, isSuccess, isTerminal } from "./response-kinds.js";
import { stopAndRelease } from "./stop-and-release.js";

export interface RunOnAgentOptions {
  agent: AgentController;
  /** Handed to the agent's request record: released exactly when the agent's slot is free again. */
  lease: SlotLease;
  request: AgentRequest;
  agentRequestId: string;
  signal: AbortSignal;
  /** Aborted when the shutdown grace period is over: the request ends with an in-band error. */
  cutOff: AbortSignal;
  itemTimeoutMs: number;
  pool: SlotPools;
  metrics: DispatchMetrics;
  logger: Logger;
  /** When the client's request arrived (performance.now()). */
  startedAt: number;
  /** 0 for the first agent, 1 after a redispatch. */
  attempt: number;
  /** Whether an agent that disappears before the first token may hand the request to another. */
  mayRedispatch: boolean;
}

/**
 * How one attempt ended: settled (the client got its answer or went away), to be tried again (the
 * agent went away before the first token), or refused (the agent's slots were all taken).
 */
export type AttemptEnd = "settled" | "redispatch" | "refused";

/**
 * One attempt of a request on one agent: relays the agent's replies and enforces the item timeout.
 *
 * The lease lifecycle: the lease belongs to the agent's request record from the start. On the
 * agent's terminal reply it is released before that reply is yielded, so a consumer that stops
 * reading after the last event (or never closes the stream) cannot keep the slot. When the request
 * is left running (client gone, item timeout, consumer stopped early), it is stopped on the agent
 * and released once the agent confirms.
 */
export async function* runOnAgent(options: RunOnAgentOptions): AsyncGenerator<DispatchEvent, AttemptEnd> {
  const { agent, request, signal, itemTimeoutMs, pool, metrics, startedAt } = options;
  const handle = agent.startRequest(request, options.agentRequestId, { lease: options.lease });
  const agentLabel = agent.name ?? agent.id;
  const log = options.logger.child({ agentId: agent.id, agentRequestId: handle.id });
  log.debug("dispatched");
  let delivered = 0;
  let lastItemAt = startedAt;
  let outcome: RequestOutcome = "cancelled";
  // "running" until the request settles; a consumer that stops early leaves it running, and the
  // finally block then stops it on the agent.
  let state: "running" | "finished" | "cancelled" | "redispatch" | "refused" = "running";
  const finish = (how: RequestOutcome) => {
    state = "finished";
    outcome = how;
    handle.close();
  };
  const stopped = AbortSignal.any([signal, options.cutOff]);
  try {
    while (state === "running") {
      const next = await handle.replies.take(itemTimeoutMs, stopped);
      if (next.kind === "aborted" && !signal.aborted) {
        log.warn("shutdown grace period over; cutting the request off");
        state = "cancelled";
        outcome = "shutting_down";
        yield errorEvent(new ShuttingDownError());
      } else if (next.kind === "aborted") {
        log.debug("client went away; stopping the request on the agent");
        state = "cancelled";
      } else if (next.kind === "timeout") {
        log.warn("item timeout", { itemTimeoutMs });
        state = "cancelled";
        outcome = "item_timeout";
        pool.reportOutcome(agent.id, "failure");
        yield errorEvent(new ItemTimeoutError(itemTimeoutMs));
      } else if (next.kind === "closed") {
        // A disconnect counts once for the circuit breaker, in the registry, not once per request.
        // Better than Paddler: nothing reached the client yet, so another agent can take it.
        const disconnected = next.reason instanceof AgentConnectionClosedError;
        if (delivered === 0 && disconnected && options.mayRedispatch) {
          log.warn("agent disappeared before the first token; dispatching again");
          state = "redispatch";
          handle.close();
        } else {
          finish(disconnected ? "agent_disconnected" : "error");
          yield errorEvent(
            disconnected && options.attempt > 0 ? new AgentsLostError(options.attempt + 1) : next.reason,
          );
        }
      } else if (
        next.item.kind === "error" &&
        delivered === 0 &&
        isAgentSlotsFullError(next.item.envelope.error)
      ) {
        // Another balancer took the agent's last slot: nothing ran, so the request goes back to the
        // pool, which leaves this agent alone until its next status says a slot is free.
        log.debug("agent refused: all its slots are taken");
        state = "refused";
        handle.close();
        pool.markFull(agent.id);
      } else if (next.item.kind === "error") {
        if (next.item.envelope.error.code >= 500) pool.reportOutcome(agent.id, "failure");
        finish("agent_error");
        yield { kind: "error", error: next.item.envelope.error };
      } else {
        // What a rogue agent reports beyond what the request allowed is cut before it is counted.
        const response = boundUsageInResponse(next.item.envelope.response, request);
        const now = performance.now();
        if (delivered === 0) metrics.firstToken(agentLabel, (now - startedAt) / 1000);
        else metrics.betweenTokens(agentLabel, (now - lastItemAt) / 1000);
        lastItemAt = now;
        delivered++;
        if (isTerminal(response)) {
          // The outcome first: the freed slot must not go to a waiter before the breaker knows.
          pool.reportOutcome(agent.id, isAgentFault(response) ? "failure" : "success");
          finish(isSuccess(response) ? "completed" : "agent_error");
          const usage = doneUsage(response);
          if (usage) {
            metrics.tokens(agentLabel, {
              prompt: usage.prompt_tokens,
              cached: usage.cached_prompt_tokens,
              generated:
                usage.content_tokens +
                usage.reasoning_tokens +
                usage.tool_call_tokens +
                usage.undeterminable_tokens,
            });
          }
        }
        yield { kind: "response", generatedBy: agent.name, response };
      }
    }
  } finally {
    if (state !== "redispatch" && state !== "refused") {
      metrics.finished(agentLabel, outcome, (performance.now() - startedAt) / 1000);
      log.debug("request ended", { outcome, delivered });
    }
    if (state === "running" || state === "cancelled") void stopAndRelease(agent, handle, itemTimeoutMs);
  }
  return state === "redispatch" || state === "refused" ? state : "settled";
}

import type { Logger } from "@paddler/logger";
import { type AgentRequest, isAgentSlotsFullError, type TraceContext } from "@paddler/protocol";
import type { AgentController, AgentReply } from "../agents/agent-controller.js";
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
  /** The dispatch span's context, carried to the agent when tracing is on. */
  traceContext?: TraceContext | undefined;
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
  /** Takes each event as the agent's frame arrives (called from the agent socket's callback). */
  onEvent: (event: DispatchEvent) => void;
}

/**
 * How one attempt ended: settled (the client got its answer or went away), to be tried again (the
 * agent went away before the first token), or refused (the agent's slots were all taken).
 */
export type AttemptEnd = "settled" | "redispatch" | "refused";

/**
 * One attempt of a request on one agent: relays the agent's replies and enforces the item timeout.
 * Push-based: each reply is handled in the agent socket's own callback and handed to `onEvent` at
 * once; the returned promise settles once per attempt, not once per token.
 *
 * The lease lifecycle: the lease belongs to the agent's request record from the start. On the
 * agent's terminal reply it is released before that reply is relayed, so a consumer that stops
 * reading after the last event (or never closes the stream) cannot keep the slot. When the request
 * is left running (client gone, item timeout, the consumer failed), it is stopped on the agent and
 * released once the agent confirms.
 */
export function runOnAgent(options: RunOnAgentOptions): Promise<AttemptEnd> {
  const { agent, request, signal, cutOff, itemTimeoutMs, pool, metrics, startedAt, onEvent } = options;
  const handle = agent.startRequest(request, options.agentRequestId, {
    lease: options.lease,
    traceContext: options.traceContext,
  });
  const agentLabel = agent.name ?? agent.id;
  const log = options.logger.child({ agentId: agent.id, agentRequestId: handle.id });
  log.debug("dispatched");
  let delivered = 0;
  let lastItemAt = startedAt;
  let outcome: RequestOutcome = "cancelled";
  // "running" until the request settles; a request cancelled while running is stopped on the agent.
  let state: "running" | "finished" | "cancelled" | "redispatch" | "refused" = "running";
  let resolveEnd: (end: AttemptEnd) => void = () => {};
  const ended = new Promise<AttemptEnd>((resolve) => {
    resolveEnd = resolve;
  });

  const settle = () => {
    clearTimeout(timer);
    signal.removeEventListener("abort", onClientGone);
    cutOff.removeEventListener("abort", onCutOff);
    if (state !== "redispatch" && state !== "refused") {
      metrics.finished(agentLabel, outcome, (performance.now() - startedAt) / 1000);
      log.debug("request ended", { outcome, delivered });
    }
    if (state === "cancelled") stopAndRelease(agent, handle, itemTimeoutMs);
    resolveEnd(state === "redispatch" || state === "refused" ? state : "settled");
  };
  const finish = (how: RequestOutcome) => {
    state = "finished";
    outcome = how;
    handle.close();
  };
  /** A consumer that throws has lost its client: the request is stopped like an abandoned one. */
  const emit = (event: DispatchEvent): boolean => {
    try {
      onEvent(event);
      return true;
    } catch (error) {
      log.error("relaying a reply failed; stopping the request", { error });
      if (state === "running") state = "cancelled";
      return false;
    }
  };
  const cancel = (how: RequestOutcome, event: DispatchEvent | null) => {
    state = "cancelled";
    outcome = how;
    // Stop listening before the event: the stop's own listener takes the agent's confirmation.
    handle.replies.listen(null);
    if (event) emit(event);
    settle();
  };

  function onClientGone() {
    if (state !== "running") return;
    log.debug("client went away; stopping the request on the agent");
    cancel("cancelled", null);
  }
  function onCutOff() {
    if (state !== "running") return;
    log.warn("shutdown grace period over; cutting the request off");
    cancel("shutting_down", errorEvent(new ShuttingDownError()));
  }
  function onTimeout() {
    if (state !== "running") return;
    // One timer per attempt, not one per token: when replies came since it was set, it is set
    // again for what is left of the timeout after the last one.
    const idle = performance.now() - lastReplyAt;
    if (idle < itemTimeoutMs) {
      timer = setTimeout(onTimeout, itemTimeoutMs - idle);
      return;
    }
    log.warn("item timeout", { itemTimeoutMs });
    pool.reportOutcome(agent.id, "failure");
    cancel("item_timeout", errorEvent(new ItemTimeoutError(itemTimeoutMs)));
  }
  function onClosed(reason: unknown) {
    if (state !== "running") return;
    // A disconnect counts once for the circuit breaker, in the registry, not once per request.
    // Better than Paddler: nothing reached the client yet, so another agent can take it.
    const disconnected = reason instanceof AgentConnectionClosedError;
    if (delivered === 0 && disconnected && options.mayRedispatch) {
      log.warn("agent disappeared before the first token; dispatching again");
      state = "redispatch";
      handle.close();
    } else {
      finish(disconnected ? "agent_disconnected" : "error");
      emit(
        errorEvent(disconnected && options.attempt > 0 ? new AgentsLostError(options.attempt + 1) : reason),
      );
    }
    settle();
  }
  function onReply(reply: AgentReply) {
    if (state !== "running") return;
    if (reply.kind === "error" && delivered === 0 && isAgentSlotsFullError(reply.envelope.error)) {
      // Another balancer took the agent's last slot: nothing ran, so the request goes back to the
      // pool, which leaves this agent alone until its next status says a slot is free.
      log.debug("agent refused: all its slots are taken");
      state = "refused";
      handle.close();
      pool.markFull(agent.id);
      settle();
      return;
    }
    if (reply.kind === "error") {
      if (reply.envelope.error.code >= 500) pool.reportOutcome(agent.id, "failure");
      finish("agent_error");
      emit({ kind: "error", error: reply.envelope.error });
      settle();
      return;
    }
    // What a rogue agent reports beyond what the request allowed is cut before it is counted.
    const response = boundUsageInResponse(reply.envelope.response, request);
    const now = performance.now();
    if (delivered === 0) metrics.firstToken(agentLabel, (now - startedAt) / 1000);
    else metrics.betweenTokens(agentLabel, (now - lastItemAt) / 1000);
    lastItemAt = now;
    lastReplyAt = now;
    delivered++;
    const terminal = isTerminal(response);
    if (terminal) {
      // The outcome first: the freed slot must not go to a waiter before the breaker knows.
      pool.reportOutcome(agent.id, isAgentFault(response) ? "failure" : "success");
      // Releases the lease before the reply is relayed.
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
    const relayed = emit({ kind: "response", generatedBy: agent.name, response });
    if (terminal) settle();
    else if (!relayed) {
      handle.replies.listen(null);
      settle();
    }
  }

  // When the item timeout counts from: the dispatch, then each reply.
  let lastReplyAt = performance.now();
  let timer = setTimeout(onTimeout, itemTimeoutMs);
  if (signal.aborted) {
    cancel("cancelled", null);
    return ended;
  }
  signal.addEventListener("abort", onClientGone, { once: true });
  cutOff.addEventListener("abort", onCutOff, { once: true });
  if (cutOff.aborted) onCutOff();
  else handle.replies.listen({ item: onReply, closed: onClosed });
  return ended;
}

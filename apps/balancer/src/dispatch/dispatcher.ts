import type { Logger } from "@paddler/logger";
import {
  type AgentRequest,
  type ErrorDetails,
  isTerminalEmbeddingResult,
  isTerminalForwardedHttpEvent,
  isTerminalGeneratedTokenResult,
  type ResponsePayload,
} from "@paddler/protocol";
import { nanoid } from "nanoid";
import type { AgentController } from "../agents/agent-controller.js";
import type { AgentRegistry } from "../agents/agent-registry.js";
import type { SlotLease } from "../balancing/slot-pool.js";
import type { DispatchTarget, SlotPools } from "../balancing/slot-pools.js";
import {
  AgentConnectionClosedError,
  AgentsLostError,
  BalancerError,
  BufferOverflowError,
  ItemTimeoutError,
  RequestAbortedError,
  ShuttingDownError,
  SlotWaitTimeoutError,
} from "../errors.js";
import {
  type DispatchMetrics,
  noDispatchMetrics,
  poolDispatchMetrics,
  type RequestOutcome,
} from "../metrics/dispatch-metrics.js";
import { boundUsageInResponse } from "./bound-usage.js";
import { checkRequestLimits, defaultRequestLimits, type RequestLimits } from "./request-limits.js";

/** What a dispatched request yields: agent responses, or one terminal error in Paddler's in-band shape. */
export type DispatchEvent =
  | { kind: "response"; generatedBy: string | null; response: ResponsePayload }
  | { kind: "error"; error: ErrorDetails };

export interface DispatcherOptions {
  pool: SlotPools;
  registry: AgentRegistry;
  itemTimeoutMs: number;
  logger: Logger;
  metrics?: DispatchMetrics;
  limits?: RequestLimits;
}

export interface DispatchOptions {
  /** Follows the request into the logs and, as its agent request id, to the agent. */
  requestId?: string;
  /** The model pool to run in; the default pool when absent. */
  pool?: string | undefined;
  /** The client's session, for pools whose policy is sticky. */
  sessionKey?: string | undefined;
}

/**
 * How many times a request that got no output yet follows its agent's disappearance to another.
 * Once: a request that took two agents down with it (a grammar bomb, say) must not take the fleet.
 */
const MAX_REDISPATCHES = 1;

function isTerminal(response: ResponsePayload): boolean {
  if (typeof response === "string") return true;
  if ("GeneratedToken" in response) return isTerminalGeneratedTokenResult(response.GeneratedToken);
  if ("Embedding" in response) return isTerminalEmbeddingResult(response.Embedding);
  if ("ForwardedHttp" in response) return isTerminalForwardedHttpEvent(response.ForwardedHttp);
  return true;
}

function rejectionOutcome(error: unknown): RequestOutcome {
  if (error instanceof BufferOverflowError) return "buffer_overflow";
  if (error instanceof SlotWaitTimeoutError) return "buffer_timeout";
  if (error instanceof ShuttingDownError) return "shutting_down";
  return "error";
}

/** SamplerErrors a request brings on itself (too long for the slot), which say nothing of the agent. */
const requestCausedSamplerErrors = /^(Context exhausted|Prompt of \d+ tokens does not fit)/;

/** Failures that speak of the agent's health (not of the request), for the circuit breaker. */
function isAgentFault(response: ResponsePayload): boolean {
  return (
    typeof response === "object" &&
    "GeneratedToken" in response &&
    typeof response.GeneratedToken === "object" &&
    "SamplerError" in response.GeneratedToken &&
    !requestCausedSamplerErrors.test(response.GeneratedToken.SamplerError)
  );
}

function isSuccess(response: ResponsePayload): boolean {
  if (typeof response !== "object") return false;
  if ("GeneratedToken" in response)
    return typeof response.GeneratedToken === "object" && "Done" in response.GeneratedToken;
  if ("Embedding" in response) return response.Embedding === "Done";
  if ("ForwardedHttp" in response) return response.ForwardedHttp === "End";
  return true;
}

function errorEvent(error: unknown): DispatchEvent {
  if (error instanceof BalancerError)
    return { kind: "error", error: { code: error.status, description: error.message } };
  return { kind: "error", error: { code: 500, description: "Failed to generate response" } };
}

/**
 * Runs one request on a slot: waits in the buffer for a lease, streams the agent's replies, and
 * enforces the item timeout. The lease is held until the agent's terminal reply (or, after a
 * cancel, until the agent confirms or an item timeout passes) so no agent runs more than its slots.
 */
export function createDispatcher({
  pool,
  registry,
  itemTimeoutMs,
  logger,
  metrics: fleetMetrics = noDispatchMetrics,
  limits = defaultRequestLimits,
}: DispatcherOptions) {
  // Aborted when the shutdown grace period ends: every running request then ends with an in-band error.
  const cutOff = new AbortController();
  async function drainThenRelease(
    agent: AgentController,
    handle: ReturnType<AgentController["startRequest"]>,
    lease: SlotLease,
  ) {
    agent.stopRespondingTo(handle.id);
    try {
      for (;;) {
        const next = await handle.replies.take(itemTimeoutMs);
        if (next.kind !== "item") break;
        if (next.item.kind === "error" || isTerminal(next.item.envelope.response)) break;
      }
    } finally {
      handle.close();
      lease.release();
    }
  }

  async function* run(
    request: AgentRequest,
    signal: AbortSignal,
    requestId: string,
    target: DispatchTarget,
  ): AsyncGenerator<DispatchEvent> {
    const metrics = poolDispatchMetrics(fleetMetrics, target.pool);
    const startedAt = performance.now();
    const seconds = (from: number) => (performance.now() - from) / 1000;
    const problem = checkRequestLimits(request, limits);
    if (problem) {
      metrics.finished(null, "invalid_request", seconds(startedAt));
      yield {
        kind: "error",
        error: { code: 400, description: `Invalid request parameters: ${problem.field}: ${problem.reason}` },
      };
      return;
    }
    for (let attempt = 0; ; attempt++) {
      let lease: SlotLease;
      try {
        lease = await pool.acquire(signal, target);
      } catch (error) {
        if (error instanceof RequestAbortedError) {
          metrics.finished(null, "cancelled", seconds(startedAt));
          return;
        }
        logger.debug("request refused before dispatch", { requestId, error });
        metrics.finished(null, rejectionOutcome(error), seconds(startedAt));
        yield errorEvent(error);
        return;
      }
      if (attempt === 0) metrics.bufferWait(seconds(startedAt));
      const agent = registry.get(lease.agentId);
      if (!agent) {
        lease.release();
        continue;
      }
      const handle = agent.startRequest(request, attempt === 0 ? requestId : `${requestId}.${attempt}`);
      const agentLabel = agent.name ?? agent.id;
      const log = logger.child({ requestId, agentId: agent.id, agentRequestId: handle.id });
      log.debug("dispatched", { attempt });
      let delivered = 0;
      let lastItemAt = startedAt;
      let outcome: RequestOutcome = "cancelled";
      // "running" until the request settles; a consumer that stops early leaves it running, and
      // the finally block then cancels it on the agent.
      let state: "running" | "finished" | "cancelled" | "redispatch" = "running";
      const stopped = AbortSignal.any([signal, cutOff.signal]);
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
            if (
              delivered === 0 &&
              next.reason instanceof AgentConnectionClosedError &&
              attempt < MAX_REDISPATCHES
            ) {
              log.warn("agent disappeared before the first token; dispatching again");
              state = "redispatch";
            } else {
              state = "finished";
              const lost = next.reason instanceof AgentConnectionClosedError;
              outcome = lost ? "agent_disconnected" : "error";
              yield errorEvent(lost && attempt > 0 ? new AgentsLostError(attempt + 1) : next.reason);
            }
          } else if (next.item.kind === "error") {
            state = "finished";
            outcome = "agent_error";
            if (next.item.envelope.error.code >= 500) pool.reportOutcome(agent.id, "failure");
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
              state = "finished";
              outcome = isSuccess(response) ? "completed" : "agent_error";
              pool.reportOutcome(agent.id, isAgentFault(response) ? "failure" : "success");
              if (
                typeof response === "object" &&
                "GeneratedToken" in response &&
                typeof response.GeneratedToken === "object" &&
                "Done" in response.GeneratedToken
              ) {
                const { usage } = response.GeneratedToken.Done;
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
        if (state !== "redispatch") {
          metrics.finished(agentLabel, outcome, seconds(startedAt));
          log.debug("request ended", { outcome, delivered });
        }
        if (state === "running" || state === "cancelled") {
          void drainThenRelease(agent, handle, lease);
        } else {
          handle.close();
          lease.release();
        }
      }
      if (state !== "redispatch") return;
    }
  }

  /** Runs a request under the caller's request id (a fresh one when none is given). */
  function dispatch(
    request: AgentRequest,
    signal: AbortSignal,
    options: DispatchOptions = {},
  ): AsyncGenerator<DispatchEvent> {
    return run(request, signal, options.requestId ?? nanoid(), {
      pool: options.pool,
      hint: { sessionKey: options.sessionKey, request },
    });
  }

  /** Ends every running request with an in-band "shutting down" error (the grace period is over). */
  function cutOffRunning(): void {
    cutOff.abort();
  }

  return { dispatch, cutOffRunning };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;

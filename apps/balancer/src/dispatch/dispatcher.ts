import type { Logger } from "@paddler/logger";
import {
  type AgentRequest,
  type ErrorDetails,
  isTerminalEmbeddingResult,
  isTerminalGeneratedTokenResult,
  type ResponsePayload,
} from "@paddler/protocol";
import type { AgentController } from "../agents/agent-controller.js";
import type { AgentRegistry } from "../agents/agent-registry.js";
import type { SlotLease, SlotPool } from "../balancing/slot-pool.js";
import {
  AgentConnectionClosedError,
  BalancerError,
  ItemTimeoutError,
  RequestAbortedError,
} from "../errors.js";

/** What a dispatched request yields: agent responses, or one terminal error in Paddler's in-band shape. */
export type DispatchEvent =
  | { kind: "response"; generatedBy: string | null; response: ResponsePayload }
  | { kind: "error"; error: ErrorDetails };

export interface DispatcherOptions {
  pool: SlotPool;
  registry: AgentRegistry;
  itemTimeoutMs: number;
  logger: Logger;
}

/** How many times a request that got no output yet follows its agent's disappearance to another. */
const MAX_REDISPATCHES = 3;

function isTerminal(response: ResponsePayload): boolean {
  if (typeof response === "string") return true;
  if ("GeneratedToken" in response) return isTerminalGeneratedTokenResult(response.GeneratedToken);
  if ("Embedding" in response) return isTerminalEmbeddingResult(response.Embedding);
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
export function createDispatcher({ pool, registry, itemTimeoutMs, logger }: DispatcherOptions) {
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

  async function* dispatch(request: AgentRequest, signal: AbortSignal): AsyncGenerator<DispatchEvent> {
    for (let attempt = 0; ; attempt++) {
      let lease: SlotLease;
      try {
        lease = await pool.acquire(signal);
      } catch (error) {
        if (error instanceof RequestAbortedError) return;
        yield errorEvent(error);
        return;
      }
      const agent = registry.get(lease.agentId);
      if (!agent) {
        lease.release();
        continue;
      }
      const handle = agent.startRequest(request);
      const log = logger.child({ agentId: agent.id, agentRequestId: handle.id });
      let delivered = 0;
      // "running" until the request settles; a consumer that stops early leaves it running, and
      // the finally block then cancels it on the agent.
      let state: "running" | "finished" | "cancelled" | "redispatch" = "running";
      try {
        while (state === "running") {
          const next = await handle.replies.take(itemTimeoutMs, signal);
          if (next.kind === "aborted") {
            log.debug("client went away; stopping the request on the agent");
            state = "cancelled";
          } else if (next.kind === "timeout") {
            log.warn("item timeout", { itemTimeoutMs });
            state = "cancelled";
            yield errorEvent(new ItemTimeoutError(itemTimeoutMs));
          } else if (next.kind === "closed") {
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
              yield errorEvent(next.reason);
            }
          } else if (next.item.kind === "error") {
            state = "finished";
            yield { kind: "error", error: next.item.envelope.error };
          } else {
            delivered++;
            if (isTerminal(next.item.envelope.response)) state = "finished";
            yield { kind: "response", generatedBy: agent.name, response: next.item.envelope.response };
          }
        }
      } finally {
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

  return { dispatch };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;

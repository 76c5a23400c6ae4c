import { setMaxListeners } from "node:events";
import type { Tracer } from "@opentelemetry/api";
import type { Logger } from "@paddler/logger";
import type { AgentRequest } from "@paddler/protocol";
import { nanoid } from "nanoid";
import type { AgentRegistry } from "../agents/agent-registry.js";
import type { SlotLease } from "../balancing/slot-pool.js";
import type { DispatchTarget, SlotPools } from "../balancing/slot-pools.js";
import {
  BufferOverflowError,
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
import { teeDispatchMetrics } from "../metrics/tee-dispatch-metrics.js";
import { type RequestTrace, startRequestTrace, type TraceOrigin } from "../tracing/request-trace.js";
import { AsyncQueue } from "./async-queue.js";
import { type DispatchEvent, errorEvent } from "./dispatch-event.js";
import type { DispatchSink } from "./dispatch-sink.js";
import { checkRequestLimits, defaultRequestLimits, type RequestLimits } from "./request-limits.js";
import { runOnAgent } from "./run-on-agent.js";

export type { DispatchEvent } from "./dispatch-event.js";
export type { DispatchSink } from "./dispatch-sink.js";

export interface DispatcherOptions {
  pool: SlotPools;
  registry: AgentRegistry;
  itemTimeoutMs: number;
  logger: Logger;
  metrics?: DispatchMetrics;
  /**
   * Metrics for one request beside the fleet's (the activity view, tracing); called once per
   * request with its id, so they can tell requests apart.
   */
  requestMetrics?: (context: {
    requestId: string;
    pool: string | undefined;
    traceId: string | null;
  }) => DispatchMetrics;
  limits?: RequestLimits;
  /** Called when an agent refused a request because another balancer had taken its slots. */
  onRefused?: (agentId: string) => void;
  /** Traces every request (the README's Tracing section); absent: tracing is off and costs nothing. */
  tracer?: Tracer | undefined;
}

export interface DispatchOptions {
  /** Follows the request into the logs and, as its agent request id, to the agent. */
  requestId?: string;
  /** The model pool to run in; the default pool when absent. */
  pool?: string | undefined;
  /** The client's session, for pools whose policy is sticky. */
  sessionKey?: string | undefined;
  /** What the client called and its trace context, for the request's span when tracing is on. */
  trace?: TraceOrigin | undefined;
}

/**
 * How many times a request that got no output yet follows its agent's disappearance to another.
 * Once: a request that took two agents down with it (a grammar bomb, say) must not take the fleet.
 */
const MAX_REDISPATCHES = 1;

/**
 * How many refusals (every slot of the agent taken by other balancers) a request takes before it
 * gives up with a 503. Each one leaves that agent out until its next status report, so a refused
 * request normally waits in the buffer rather than coming back here.
 */
const MAX_REFUSALS = 64;

function targetOf(request: AgentRequest, options: DispatchOptions): DispatchTarget {
  return { pool: options.pool, hint: { sessionKey: options.sessionKey, request } };
}

function rejectionOutcome(error: unknown): RequestOutcome {
  if (error instanceof BufferOverflowError) return "buffer_overflow";
  if (error instanceof SlotWaitTimeoutError) return "buffer_timeout";
  if (error instanceof ShuttingDownError) return "shutting_down";
  return "error";
}

/**
 * Runs one request on a slot: checks its limits, waits in the buffer for a lease, then runs it on
 * the lease's agent (see run-on-agent.ts for the lease lifecycle), dispatching again when that
 * agent disappears before the first token.
 */
export function createDispatcher({
  pool,
  registry,
  itemTimeoutMs,
  logger,
  metrics: fleetMetrics = noDispatchMetrics,
  requestMetrics,
  limits = defaultRequestLimits,
  onRefused,
  tracer,
}: DispatcherOptions) {
  const secondsSince = (from: number) => (performance.now() - from) / 1000;
  // Aborted when the shutdown grace period ends: every running request then ends with an in-band error.
  const cutOff = new AbortController();
  // Every running attempt listens on it: as many listeners as requests in flight.
  setMaxListeners(0, cutOff.signal);

  /** A lease, or the event that ends the request (null: the client left while it waited). */
  async function lease(options: {
    signal: AbortSignal;
    target: DispatchTarget;
    metrics: DispatchMetrics;
    log: Logger;
    startedAt: number;
  }): Promise<{ lease: SlotLease } | { end: DispatchEvent | null }> {
    const { signal, target, metrics, log, startedAt } = options;
    try {
      return { lease: await pool.acquire(signal, target) };
    } catch (error) {
      if (error instanceof RequestAbortedError) {
        metrics.finished(null, "cancelled", secondsSince(startedAt));
        return { end: null };
      }
      log.debug("request refused before dispatch", { error });
      metrics.finished(null, rejectionOutcome(error), secondsSince(startedAt));
      return { end: errorEvent(error) };
    }
  }

  /** Sends every event of the request to `sink`, then ends it; settles when the request is over. */
  async function run(
    request: AgentRequest,
    signal: AbortSignal,
    requestId: string,
    target: DispatchTarget,
    sink: DispatchSink,
    origin: TraceOrigin | undefined,
  ): Promise<void> {
    try {
      await runAttempts(request, signal, requestId, target, sink, origin);
    } catch (error) {
      logger.error("dispatch failed", { error, requestId });
      sink.event(errorEvent(error));
    } finally {
      sink.end();
    }
  }

  async function runAttempts(
    request: AgentRequest,
    signal: AbortSignal,
    requestId: string,
    target: DispatchTarget,
    sink: DispatchSink,
    origin: TraceOrigin | undefined,
  ): Promise<void> {
    const requestTrace: RequestTrace | null = tracer
      ? startRequestTrace(tracer, { requestId, pool: target.pool, origin })
      : null;
    const poolMetrics = poolDispatchMetrics(fleetMetrics, target.pool);
    const tracedMetrics = requestTrace ? teeDispatchMetrics(poolMetrics, requestTrace.metrics) : poolMetrics;
    const metrics = requestMetrics
      ? teeDispatchMetrics(
          tracedMetrics,
          requestMetrics({ requestId, pool: target.pool, traceId: requestTrace?.traceId ?? null }),
        )
      : tracedMetrics;
    const startedAt = performance.now();
    const log = logger.child(requestTrace ? { requestId, ...requestTrace.logFields } : { requestId });
    const problem = checkRequestLimits(request, limits);
    if (problem) {
      metrics.finished(null, "invalid_request", secondsSince(startedAt));
      sink.event({
        kind: "error",
        error: { code: 400, description: `Invalid request parameters: ${problem.field}: ${problem.reason}` },
      });
      return;
    }
    const onEvent = (event: DispatchEvent) => sink.event(event);
    let lost = 0;
    let refused = 0;
    for (let attempt = 0; ; attempt++) {
      const leased = await lease({ signal, target, metrics, log, startedAt });
      if ("end" in leased) {
        if (leased.end) sink.event(leased.end);
        return;
      }
      if (attempt === 0) metrics.bufferWait(secondsSince(startedAt));
      const agent = registry.get(leased.lease.agentId);
      if (!agent) {
        leased.lease.release();
        continue;
      }
      const agentRequestId = attempt === 0 ? requestId : `${requestId}.${attempt}`;
      const attemptTrace = requestTrace?.attempt({
        agentId: agent.id,
        agentName: agent.name,
        agentRequestId,
        attempt: lost,
      });
      const end = await runOnAgent({
        agent,
        lease: leased.lease,
        request,
        agentRequestId,
        traceContext: attemptTrace?.traceContext,
        signal,
        cutOff: cutOff.signal,
        itemTimeoutMs,
        pool,
        metrics,
        logger: log,
        startedAt,
        attempt: lost,
        mayRedispatch: lost < MAX_REDISPATCHES,
        onEvent,
      });
      attemptTrace?.end(end);
      if (end === "settled") return;
      if (end === "redispatch") lost++;
      else {
        refused++;
        onRefused?.(agent.id);
        if (refused >= MAX_REFUSALS) {
          metrics.finished(null, "error", secondsSince(startedAt));
          sink.event({
            kind: "error",
            error: {
              code: 503,
              description: `Every agent tried refused the request ${refused} times: all slots taken`,
            },
          });
          return;
        }
      }
    }
  }

  /**
   * Runs a request under the caller's request id (a fresh one when none is given), handing each
   * event to `sink` as the agent's frame arrives: the hot routes' path, with no promise per token.
   * Aborting `signal` stops it (then `sink.end()` comes with no further event).
   */
  function dispatchTo(
    request: AgentRequest,
    signal: AbortSignal,
    options: DispatchOptions,
    sink: DispatchSink,
  ): Promise<void> {
    return run(
      request,
      signal,
      options.requestId ?? nanoid(),
      targetOf(request, options),
      sink,
      options.trace,
    );
  }

  /**
   * The same as an async generator, for routes that transform events step by step. Nothing starts
   * before the first `next()`; closing the generator early stops the request on the agent.
   */
  async function* dispatch(
    request: AgentRequest,
    signal: AbortSignal,
    options: DispatchOptions = {},
  ): AsyncGenerator<DispatchEvent> {
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    if (signal.aborted) stop.abort();
    else signal.addEventListener("abort", onAbort, { once: true });
    const events = new AsyncQueue<DispatchEvent>();
    void dispatchTo(request, stop.signal, options, {
      event: (event) => events.push(event),
      end: () => events.close(null),
    });
    try {
      for (;;) {
        // No timeout here: the dispatcher enforces the item timeout.
        const next = await events.take(null);
        if (next.kind !== "item") return;
        yield next.item;
      }
    } finally {
      signal.removeEventListener("abort", onAbort);
      stop.abort();
    }
  }

  /** Ends every running request with an in-band "shutting down" error (the grace period is over). */
  function cutOffRunning(): void {
    cutOff.abort();
  }

  return { dispatch, dispatchTo, cutOffRunning };
}

export type Dispatcher = ReturnType<typeof createDispatcher>;

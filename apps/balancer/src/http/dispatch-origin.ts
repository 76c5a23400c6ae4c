import type { Context } from "hono";
import type { TraceOrigin } from "../tracing/request-trace.js";
import { traceOrigin } from "../tracing/trace-origin.js";

export interface DispatchOrigin {
  /** The client's request signal: it going away cancels the dispatch. */
  signal: AbortSignal;
  requestId: string;
  trace: TraceOrigin;
  /** The model pool the request routed to, and its session for sticky pools. */
  pool: string;
  sessionKey: string | undefined;
}

/** What a route hands the dispatcher about one client request: who asked, and where it routed. */
export function dispatchOrigin(
  c: Context,
  target: { pool: string; sessionKey: string | undefined },
): DispatchOrigin {
  return {
    // On first read: @hono/node-server builds an AbortController for it, which a route that
    // learns of the client leaving from Node's response does without.
    get signal() {
      return c.req.raw.signal;
    },
    requestId: c.get("requestId"),
    trace: traceOrigin(c),
    pool: target.pool,
    sessionKey: target.sessionKey,
  };
}

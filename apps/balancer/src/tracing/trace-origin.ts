import type { Context } from "hono";
import type { TraceOrigin } from "./request-trace.js";

/**
 * The request span's name (method and path) and the client's W3C `traceparent`/`tracestate`
 * headers. Read by the dispatcher only when tracing is on.
 */
export function traceOrigin(c: Context): TraceOrigin {
  const traceparent = c.req.header("traceparent");
  return {
    name: `${c.req.method} ${c.req.path}`,
    parent: traceparent === undefined ? undefined : { traceparent, tracestate: c.req.header("tracestate") },
  };
}

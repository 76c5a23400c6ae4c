import { SpanKind, SpanStatusCode, type Tracer } from "@opentelemetry/api";
import { contextFromCarrier } from "@paddler/tracing";
import type { Context } from "hono";
import { type BalancerError, ModelNotFoundError, UnknownModelPoolError } from "../errors.js";
import { traceOrigin } from "./trace-origin.js";

/** Refusals that happen while routing, before the dispatcher (which traces everything after) sees the request. */
export function isRoutingRefusal(error: unknown): error is ModelNotFoundError | UnknownModelPoolError {
  return error instanceof ModelNotFoundError || error instanceof UnknownModelPoolError;
}

/**
 * The span of a request refused while routing (a model or pool nobody serves): the same server span
 * the dispatcher would have started, ended at once with the error status, so a client's trace
 * shows where its request went and why it stopped.
 */
export function traceRefusal(tracer: Tracer, c: Context, error: BalancerError): void {
  const origin = traceOrigin(c);
  const span = tracer.startSpan(
    origin.name,
    {
      kind: SpanKind.SERVER,
      attributes: {
        "paddler.request_id": c.get("requestId"),
        "paddler.outcome": error.code,
        "http.response.status_code": error.status,
      },
    },
    contextFromCarrier(origin.parent),
  );
  span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  span.end();
}

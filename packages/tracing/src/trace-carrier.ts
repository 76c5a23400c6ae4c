import {
  type Context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  isSpanContextValid,
  ROOT_CONTEXT,
  type Span,
  trace,
} from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";

/** W3C trace context as it travels: HTTP headers, or the agent protocol's `trace_context`. */
export interface TraceCarrier {
  traceparent: string;
  tracestate?: string | undefined;
}

// Stateless: one for everyone is as good as one each.
const propagator = new W3CTraceContextPropagator();

/** The parent context a carrier names (the root context when it names none or a malformed one). */
export function contextFromCarrier(carrier: TraceCarrier | undefined): Context {
  if (carrier === undefined) return ROOT_CONTEXT;
  return propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter);
}

/** The carrier that makes `span` the parent on the other side; undefined for a span of the no-op tracer. */
export function carrierForSpan(span: Span): TraceCarrier | undefined {
  if (!isSpanContextValid(span.spanContext())) return undefined;
  const headers: Record<string, string> = {};
  propagator.inject(trace.setSpan(ROOT_CONTEXT, span), headers, defaultTextMapSetter);
  const { traceparent, tracestate } = headers;
  if (traceparent === undefined) return undefined;
  return tracestate === undefined ? { traceparent } : { traceparent, tracestate };
}

/** What a request's log lines carry so they can be found from the trace (and back). */
export function traceLogFields(span: Span): { trace_id: string; span_id: string } {
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}

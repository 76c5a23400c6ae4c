import { ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from "@opentelemetry/api";
import type { LogFields } from "@paddler/logger";
import type { TraceContext } from "@paddler/protocol";
import { carrierForSpan, contextFromCarrier, type TraceCarrier, traceLogFields } from "@paddler/tracing";
import type { DispatchMetrics, RequestOutcome } from "../metrics/dispatch-metrics.js";

/** Where a request came from, for its span: what the client called and its trace context, if any. */
export interface TraceOrigin {
  /** The span's name, e.g. `POST /v1/chat/completions`. */
  name: string;
  /** The client's `traceparent`/`tracestate`; the request span is their child. */
  parent?: TraceCarrier | undefined;
}

export interface AttemptInfo {
  agentId: string;
  agentName: string | null;
  agentRequestId: string;
  /** 0 for the first agent, 1 after a redispatch. */
  attempt: number;
}

/** One attempt on one agent: the trace context the agent continues, and its end. */
export interface AttemptTrace {
  readonly traceContext: TraceContext | undefined;
  /** Ends the attempt's span when it did not settle the request (the request's end ends it otherwise). */
  end(how: "settled" | "redispatch" | "refused"): void;
}

/**
 * One request's spans: the request (a server span, child of the client's trace context), its wait
 * in the buffer, one dispatch span per attempt on an agent (the agent's own spans are its children)
 * and the stream from the first token to the end. It is fed by the dispatcher's metric calls (at the
 * request's boundaries: lease, first token, usage, end), so nothing is done per token.
 */
export interface RequestTrace {
  readonly traceId: string;
  /** trace_id and span_id for the request's log lines. */
  readonly logFields: LogFields;
  readonly metrics: DispatchMetrics;
  attempt(info: AttemptInfo): AttemptTrace;
}

/** Outcomes that are not the balancer's or the agent's failure. */
const fineOutcomes: ReadonlySet<RequestOutcome> = new Set(["completed", "cancelled"]);

export function startRequestTrace(
  tracer: Tracer,
  options: { requestId: string; pool: string | undefined; origin: TraceOrigin | undefined },
): RequestTrace {
  const request = tracer.startSpan(
    options.origin?.name ?? "paddler request",
    {
      kind: SpanKind.SERVER,
      attributes: {
        "paddler.request_id": options.requestId,
        ...(options.pool === undefined ? {} : { "paddler.pool": options.pool }),
      },
    },
    contextFromCarrier(options.origin?.parent),
  );
  const requestContext = trace.setSpan(ROOT_CONTEXT, request);
  let buffer: Span | null = tracer.startSpan("buffer wait", {}, requestContext);
  let dispatch: Span | null = null;
  let stream: Span | null = null;
  let ended = false;

  const endDispatch = (outcome: RequestOutcome | "redispatch" | "refused") => {
    stream?.end();
    stream = null;
    if (dispatch === null) return;
    dispatch.setAttribute("paddler.attempt.outcome", outcome);
    if (outcome !== "refused" && (outcome === "redispatch" || !fineOutcomes.has(outcome))) {
      dispatch.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
    }
    dispatch.end();
    dispatch = null;
  };

  const metrics: DispatchMetrics = {
    bufferWait: () => {
      buffer?.end();
      buffer = null;
    },
    firstToken: (_agent, seconds) => {
      if (dispatch === null) return;
      dispatch.addEvent("first token", { "paddler.time_to_first_token_s": seconds });
      stream = tracer.startSpan("stream", {}, trace.setSpan(ROOT_CONTEXT, dispatch));
    },
    // Per token: nothing.
    betweenTokens: () => {},
    tokens: (_agent, counts) => {
      const usage = {
        "gen_ai.usage.input_tokens": counts.prompt,
        "gen_ai.usage.output_tokens": counts.generated,
        "paddler.usage.cached_prompt_tokens": counts.cached ?? 0,
      };
      request.setAttributes(usage);
      stream?.setAttributes(usage);
    },
    finished: (_agent, outcome) => {
      if (ended) return;
      ended = true;
      if (buffer !== null) {
        // Ended before a slot was leased: the buffer was full, timed out, or the client left.
        if (!fineOutcomes.has(outcome)) buffer.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
        buffer.end();
        buffer = null;
      }
      endDispatch(outcome);
      request.setAttribute("paddler.outcome", outcome);
      if (!fineOutcomes.has(outcome)) request.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
      request.end();
    },
  };

  return {
    traceId: request.spanContext().traceId,
    logFields: traceLogFields(request),
    metrics,
    attempt: (info) => {
      // A previous attempt that did not end (cannot happen today) must not leak its span.
      endDispatch("redispatch");
      const span = tracer.startSpan(
        "dispatch",
        {
          kind: SpanKind.CLIENT,
          attributes: {
            "paddler.agent.id": info.agentId,
            ...(info.agentName === null ? {} : { "paddler.agent.name": info.agentName }),
            "paddler.agent_request_id": info.agentRequestId,
            "paddler.attempt": info.attempt,
            ...(options.pool === undefined ? {} : { "paddler.pool": options.pool }),
          },
        },
        requestContext,
      );
      dispatch = span;
      return {
        traceContext: carrierForSpan(span),
        end: (how) => {
          if (how !== "settled" && dispatch === span) endDispatch(how);
        },
      };
    },
  };
}

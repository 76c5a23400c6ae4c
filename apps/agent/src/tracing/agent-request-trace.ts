import { ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, type Tracer, trace } from "@opentelemetry/api";
import type { LogFields } from "@paddler/logger";
import {
  type GeneratedTokenResult,
  generatedTokenResultTag,
  isTerminalGeneratedTokenResult,
  type TraceContext,
} from "@paddler/protocol";
import { carrierForSpan, contextFromCarrier, traceLogFields } from "@paddler/tracing";

/**
 * One request's spans on the agent, children of the balancer's dispatch span (its trace context
 * comes with the request): the request, and for generations "prompt processing" (rendering,
 * tokenizing and evaluating the prompt, up to the first result) and "generation" (from the first
 * result to the last). Fed with the engine's results; only the first and the last do any work.
 */
export interface AgentRequestTrace {
  readonly logFields: LogFields;
  /** The request span's W3C trace context, which HTTP engines send upstream so the upstream joins the trace. */
  readonly traceContext: TraceContext | undefined;
  /** Each generation result, in order. */
  result(result: GeneratedTokenResult): void;
  /** The request is over; `stopped` when the balancer stopped it or the agent cancelled it. */
  end(outcome: { stopped: boolean; error?: string | undefined }): void;
}

export function startAgentRequestTrace(
  tracer: Tracer,
  options: { requestId: string; kind: string; traceContext: TraceContext | undefined; generates: boolean },
): AgentRequestTrace {
  const request = tracer.startSpan(
    options.kind,
    {
      kind: SpanKind.SERVER,
      attributes: { "paddler.request_id": options.requestId, "paddler.request.kind": options.kind },
    },
    contextFromCarrier(options.traceContext),
  );
  const requestContext = trace.setSpan(ROOT_CONTEXT, request);
  let prompt: Span | null = options.generates
    ? tracer.startSpan("prompt processing", {}, requestContext)
    : null;
  let generation: Span | null = null;
  let ended = false;

  return {
    logFields: traceLogFields(request),
    traceContext: carrierForSpan(request),
    result: (result) => {
      if (prompt !== null) {
        prompt.end();
        prompt = null;
        generation = tracer.startSpan("generation", {}, requestContext);
      }
      // Most results are tokens; they cost this one check.
      if (typeof result === "object" && ("ContentToken" in result || "ReasoningToken" in result)) return;
      if (typeof result === "object" && "Finished" in result) {
        const reason = [result.Finished.reason];
        generation?.setAttribute("gen_ai.response.finish_reasons", reason);
        request.setAttribute("gen_ai.response.finish_reasons", reason);
      } else if (typeof result === "object" && "Done" in result) {
        const { usage } = result.Done;
        const attributes = {
          "gen_ai.usage.input_tokens": usage.prompt_tokens,
          "gen_ai.usage.output_tokens":
            usage.content_tokens +
            usage.reasoning_tokens +
            usage.tool_call_tokens +
            usage.undeterminable_tokens,
          "paddler.usage.cached_prompt_tokens": usage.cached_prompt_tokens,
        };
        generation?.setAttributes(attributes);
        request.setAttributes(attributes);
      } else if (isTerminalGeneratedTokenResult(result)) {
        const status = { code: SpanStatusCode.ERROR, message: generatedTokenResultTag(result) };
        generation?.setStatus(status);
        request.setStatus(status);
      }
    },
    end: ({ stopped, error }) => {
      if (ended) return;
      ended = true;
      const spans = [prompt, generation].filter((span) => span !== null);
      for (const span of spans) {
        if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: error });
        span.end();
      }
      if (stopped) request.setAttribute("paddler.stopped", true);
      if (error !== undefined) request.setStatus({ code: SpanStatusCode.ERROR, message: error });
      request.end();
    },
  };
}

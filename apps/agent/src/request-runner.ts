import type { Tracer } from "@opentelemetry/api";
import type { Logger } from "@paddler/logger";
import {
  type AgentRequest,
  type AgentToBalancerMessage,
  emptyTokenUsage,
  isTerminalEmbeddingResult,
  isTerminalGeneratedTokenResult,
  type ResponsePayload,
  type TraceContext,
} from "@paddler/protocol";
import { canForwardHttp } from "./engine/forwarding-engine.js";
import type { InferenceEngine } from "./engine/inference-engine.js";
import { type AgentRequestTrace, startAgentRequestTrace } from "./tracing/agent-request-trace.js";

export interface RequestRunnerOptions {
  engine: () => InferenceEngine | null;
  chatTemplateOverride: () => { content: string } | null;
  send: (message: AgentToBalancerMessage) => void;
  /** Called with the ids of the running requests whenever one starts or ends. */
  onRunningChanged: (requestIds: readonly string[]) => void;
  logger: Logger;
  /** Continues the balancer's trace on each request; absent: tracing is off. */
  tracer?: Tracer | undefined;
}

/** What comes with a request besides its body. */
export interface RunOptions {
  /** The balancer's own request id (`run`'s id may carry more), for spans. */
  requestId?: string;
  /** The balancer's dispatch span, continued here when tracing is on. */
  traceContext?: TraceContext | undefined;
}

type EngineRequest = Exclude<AgentRequest, "GetChatTemplateOverride" | "GetModelMetadata">;

interface Running {
  readonly abort: AbortController;
  /** Set when the agent itself ends the request (drain deadline, shutdown): the client gets this error. */
  cancelReason: string | null;
}

/** Every cancel the agent makes itself starts so, and the balancer does not hold it against the agent. */
export const AGENT_CANCEL_PREFIX = "Request cancelled by the agent";

/**
 * Runs the balancer's requests on the engine and streams each result back under the request id.
 * Every request ends with exactly one terminal reply: the engine's own, a quiet Done after the
 * balancer's StopRespondingTo, or an error when the agent cancels it (drain deadline, shutdown).
 * The engine's stream is always read to its end or closed, which is what frees its sequence.
 */
export class RequestRunner {
  readonly #options: RequestRunnerOptions;
  readonly #running = new Map<string, Running>();

  constructor(options: RequestRunnerOptions) {
    this.#options = options;
  }

  get running(): number {
    return this.#running.size;
  }

  runningIds(): string[] {
    return [...this.#running.keys()];
  }

  /** The balancer no longer wants it (StopRespondingTo): it ends quietly with Done. */
  stop(requestId: string): void {
    this.#running.get(requestId)?.abort.abort();
  }

  /** Aborts everything quietly, e.g. when the socket the requests came on is gone. */
  stopAll(): void {
    for (const running of this.#running.values()) running.abort.abort();
  }

  /** The agent ends what runs (drain deadline, shutdown): each request gets `reason` as its terminal error. */
  cancelAll(reason: string): void {
    for (const running of this.#running.values()) {
      running.cancelReason ??= `${AGENT_CANCEL_PREFIX}: ${reason}`;
      running.abort.abort();
    }
  }

  /** Resolves when every running request has finished (graceful shutdown). */
  async drained(): Promise<void> {
    while (this.#running.size > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  run(id: string, request: AgentRequest, options: RunOptions = {}): void {
    const respond = (response: ResponsePayload) =>
      this.#options.send({ Response: { generated_by: null, request_id: id, response } });
    if (request === "GetChatTemplateOverride") {
      respond({
        ChatTemplateOverride:
          this.#options.engine()?.getChatTemplateOverride() ?? this.#options.chatTemplateOverride(),
      });
      return;
    }
    if (request === "GetModelMetadata") {
      const engine = this.#options.engine();
      respond({ ModelMetadata: engine ? { metadata: engine.getModelMetadata() } : null });
      return;
    }
    const engine = this.#options.engine();
    if (!engine) {
      respondWithError(respond, request, "No model is loaded on this agent");
      return;
    }
    if (this.#running.has(id)) {
      // Two requests under one id could not be told apart, nor stopped one by one.
      respondWithError(respond, request, `A request with id ${id} already runs on this agent`);
      return;
    }
    const running: Running = { abort: new AbortController(), cancelReason: null };
    this.#running.set(id, running);
    this.#changed();
    const { tracer } = this.#options;
    const trace = tracer
      ? startAgentRequestTrace(tracer, {
          requestId: options.requestId ?? id,
          kind: Object.keys(request)[0] ?? "request",
          traceContext: options.traceContext,
          generates: "ContinueFromConversationHistory" in request || "ContinueFromRawPrompt" in request,
        })
      : null;
    void this.#stream({ id, request, engine, running, respond, trace }).finally(() => {
      trace?.end({ stopped: running.abort.signal.aborted, error: running.cancelReason ?? undefined });
      this.#running.delete(id);
      this.#changed();
    });
  }

  #changed(): void {
    this.#options.onRunningChanged(this.runningIds());
  }

  async #stream({
    id,
    request,
    engine,
    running,
    respond,
    trace,
  }: {
    id: string;
    request: EngineRequest;
    engine: InferenceEngine;
    running: Running;
    respond: (response: ResponsePayload) => void;
    trace: AgentRequestTrace | null;
  }): Promise<void> {
    const { signal } = running.abort;
    const engineOptions = { traceContext: trace?.traceContext };
    let answered = false;
    try {
      if ("ForwardHttp" in request) {
        if (!canForwardHttp(engine)) {
          respond({ ForwardedHttp: { Failed: "This agent's engine does not forward HTTP requests" } });
          return;
        }
        for await (const event of engine.forwardHttp(request.ForwardHttp, signal, engineOptions)) {
          if (signal.aborted) break;
          respond({ ForwardedHttp: event });
        }
        if (signal.aborted) respond({ ForwardedHttp: { Failed: running.cancelReason ?? "Stopped" } });
        return;
      }
      if ("GenerateEmbeddingBatch" in request) {
        for await (const result of engine.generateEmbeddingBatch(
          request.GenerateEmbeddingBatch,
          signal,
          engineOptions,
        )) {
          if (signal.aborted) break;
          answered ||= isTerminalEmbeddingResult(result);
          respond({ Embedding: result });
        }
      } else {
        const results =
          "ContinueFromConversationHistory" in request
            ? engine.continueFromConversationHistory(
                request.ContinueFromConversationHistory,
                signal,
                engineOptions,
              )
            : engine.continueFromRawPrompt(request.ContinueFromRawPrompt, signal, engineOptions);
        for await (const result of results) {
          // Nothing after a cancel: the one terminal reply below is the last word.
          if (signal.aborted) break;
          trace?.result(result);
          answered ||= isTerminalGeneratedTokenResult(result);
          respond({ GeneratedToken: result });
        }
      }
      if (!signal.aborted) {
        // An engine being unloaded (a reload that began as this request arrived) ends its streams
        // without a word; the request still gets its one terminal reply.
        if (!answered) respondWithError(respond, request, engineGoneMessage);
        return;
      }
      if (running.cancelReason !== null) respondWithError(respond, request, running.cancelReason);
      // A stopped request ends quietly in the engine; tell the balancer so it frees the slot now.
      else if ("GenerateEmbeddingBatch" in request) respond({ Embedding: "Done" });
      else respond({ GeneratedToken: { Done: { usage: emptyTokenUsage() } } });
    } catch (error) {
      this.#options.logger.error("request failed on the engine", {
        error,
        requestId: id,
        ...trace?.logFields,
      });
      trace?.end({ stopped: false, error: (error as Error).message });
      respondWithError(
        respond,
        request,
        "GenerateEmbeddingBatch" in request
          ? "The engine failed"
          : `The engine failed: ${(error as Error).message}`,
      );
    }
  }
}

const engineGoneMessage =
  "The engine stopped before answering this request (the agent is reloading or unloading its model); send it again";

function respondWithError(
  respond: (response: ResponsePayload) => void,
  request: EngineRequest,
  message: string,
): void {
  if ("ForwardHttp" in request) respond({ ForwardedHttp: { Failed: message } });
  else if ("GenerateEmbeddingBatch" in request) respond({ Embedding: { Error: message } });
  else respond({ GeneratedToken: { SamplerError: message } });
}

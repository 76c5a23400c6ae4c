import type { Logger } from "@paddler/logger";
import {
  type AgentRequest,
  type AgentToBalancerMessage,
  emptyTokenUsage,
  type ResponsePayload,
} from "@paddler/protocol";
import { canForwardHttp } from "./engine/forwarding-engine.js";
import type { InferenceEngine } from "./engine/inference-engine.js";

export interface RequestRunnerOptions {
  engine: () => InferenceEngine | null;
  chatTemplateOverride: () => { content: string } | null;
  send: (message: AgentToBalancerMessage) => void;
  onSlotsProcessingChanged: () => void;
  logger: Logger;
}

/** Runs the balancer's requests on the engine and streams each result back under the request id. */
export class RequestRunner {
  readonly #options: RequestRunnerOptions;
  readonly #running = new Map<string, AbortController>();

  constructor(options: RequestRunnerOptions) {
    this.#options = options;
  }

  get running(): number {
    return this.#running.size;
  }

  stop(requestId: string): void {
    this.#running.get(requestId)?.abort();
  }

  /** Aborts everything, e.g. when the socket the requests came on is gone. */
  stopAll(): void {
    for (const abort of this.#running.values()) abort.abort();
  }

  /** Resolves when every running request has finished (graceful shutdown). */
  async drained(): Promise<void> {
    while (this.#running.size > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  run(id: string, request: AgentRequest): void {
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
      if ("ForwardHttp" in request)
        respond({ ForwardedHttp: { Failed: "No engine is running on this agent" } });
      else if ("GenerateEmbeddingBatch" in request)
        respond({ Embedding: { Error: "No model is loaded on this agent" } });
      else respond({ GeneratedToken: { SamplerError: "No model is loaded on this agent" } });
      return;
    }
    const abort = new AbortController();
    this.#running.set(id, abort);
    this.#options.onSlotsProcessingChanged();
    void this.#stream(id, request, engine, abort).finally(() => {
      this.#running.delete(id);
      this.#options.onSlotsProcessingChanged();
    });
  }

  async #stream(
    id: string,
    request: Exclude<AgentRequest, "GetChatTemplateOverride" | "GetModelMetadata">,
    engine: InferenceEngine,
    abort: AbortController,
  ): Promise<void> {
    const respond = (response: ResponsePayload) =>
      this.#options.send({ Response: { generated_by: null, request_id: id, response } });
    try {
      if ("ForwardHttp" in request) {
        if (!canForwardHttp(engine)) {
          respond({ ForwardedHttp: { Failed: "This agent's engine does not forward HTTP requests" } });
          return;
        }
        for await (const event of engine.forwardHttp(request.ForwardHttp, abort.signal))
          respond({ ForwardedHttp: event });
        if (abort.signal.aborted) respond({ ForwardedHttp: { Failed: "Stopped" } });
        return;
      }
      if ("GenerateEmbeddingBatch" in request) {
        for await (const result of engine.generateEmbeddingBatch(
          request.GenerateEmbeddingBatch,
          abort.signal,
        )) {
          respond({ Embedding: result });
        }
      } else {
        const results =
          "ContinueFromConversationHistory" in request
            ? engine.continueFromConversationHistory(request.ContinueFromConversationHistory, abort.signal)
            : engine.continueFromRawPrompt(request.ContinueFromRawPrompt, abort.signal);
        for await (const result of results) respond({ GeneratedToken: result });
      }
      // A stopped request ends quietly in the engine; tell the balancer so it frees the slot now.
      if (abort.signal.aborted) {
        if ("GenerateEmbeddingBatch" in request) respond({ Embedding: "Done" });
        else respond({ GeneratedToken: { Done: { usage: emptyTokenUsage() } } });
      }
    } catch (error) {
      this.#options.logger.error("request failed on the engine", { error, requestId: id });
      if ("ForwardHttp" in request) respond({ ForwardedHttp: { Failed: "The engine failed" } });
      else if ("GenerateEmbeddingBatch" in request) respond({ Embedding: { Error: "The engine failed" } });
      else respond({ GeneratedToken: { SamplerError: `The engine failed: ${(error as Error).message}` } });
    }
  }
}

import {
  type ContinueFromConversationHistoryParams,
  type ContinueFromRawPromptParams,
  continueFromConversationHistoryParamsSchema,
  continueFromRawPromptParamsSchema,
  type GenerateEmbeddingBatchParams,
  generateEmbeddingBatchParamsSchema,
  type InferenceClientMessage,
  inferenceClientMessageSchema,
} from "@paddler/protocol";
import type { z } from "zod";
import { PaddlerError } from "../errors.js";
import { joinUrl } from "../http/join-url.js";
import type { RequestOptions } from "../http/request-options.js";
import { bodyError, readText, type Transport } from "../http/transport.js";
import { createInferenceStream, type InferenceStream } from "../streams/inference-stream.js";
import { parseNdjson } from "../streams/ndjson.js";
import { parseRequest } from "../validate.js";
import { isTerminalGenerationMessage } from "./is-terminal-message.js";

/** Inference over HTTP: each call is one POST whose body streams back as NDJSON. */
export interface HttpInference {
  continueFromConversationHistory(
    params: ContinueFromConversationHistoryParams,
    options?: RequestOptions,
  ): InferenceStream;
  continueFromRawPrompt(params: ContinueFromRawPromptParams, options?: RequestOptions): InferenceStream;
  /** Embeddings arrive in arbitrary order; the stream ends after one final `{"Embedding":"Done"}`. */
  generateEmbeddingBatch(
    params: GenerateEmbeddingBatchParams,
    options?: RequestOptions,
  ): AsyncIterable<InferenceClientMessage>;
  /** `GET /health` on the inference service; resolves to its body (`"OK"`). */
  health(options?: RequestOptions): Promise<string>;
}

export function createHttpInference(baseUrl: string | undefined, transport: Transport): HttpInference {
  const urlFor = (path: string) => {
    if (baseUrl === undefined) {
      throw new PaddlerError({
        code: "configuration_error",
        message: "createPaddlerClient needs `inferenceUrl` for inference calls",
      });
    }
    return joinUrl(baseUrl, path);
  };

  async function* post(
    path: string,
    schema: z.ZodType,
    params: unknown,
    { signal, headers }: RequestOptions,
    stopAtTerminal: boolean,
  ): AsyncGenerator<InferenceClientMessage> {
    const url = urlFor(path);
    const json = parseRequest(schema, params, url);
    const response = await transport.send(url, { method: "POST", json, signal, headers });
    if (response.body === null) {
      throw new PaddlerError({ code: "invalid_response", message: `Empty body from ${url}`, url });
    }
    try {
      for await (const message of parseNdjson(response.body, inferenceClientMessageSchema, url, signal)) {
        yield message;
        if (stopAtTerminal && isTerminalGenerationMessage(message)) return;
      }
    } catch (cause) {
      throw bodyError(cause, url, signal);
    }
  }

  return {
    continueFromConversationHistory: (params, options = {}) =>
      createInferenceStream(() =>
        post(
          "/api/v1/continue_from_conversation_history",
          continueFromConversationHistoryParamsSchema,
          params,
          options,
          true,
        ),
      ),
    continueFromRawPrompt: (params, options = {}) =>
      createInferenceStream(() =>
        post("/api/v1/continue_from_raw_prompt", continueFromRawPromptParamsSchema, params, options, true),
      ),
    generateEmbeddingBatch: (params, options = {}) => ({
      [Symbol.asyncIterator]: () =>
        post("/api/v1/generate_embedding_batch", generateEmbeddingBatchParamsSchema, params, options, false),
    }),
    async health({ signal, headers } = {}) {
      const url = urlFor("/health");
      return readText(await transport.send(url, { signal, headers }), url, signal);
    },
  };
}

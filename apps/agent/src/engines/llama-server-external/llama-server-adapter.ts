import {
  type AgentEngineKind,
  type ContinueFromConversationHistoryParams,
  type ContinueFromRawPromptParams,
  emptyTokenUsage,
  type GeneratedTokenResult,
  type GenerateEmbeddingBatchParams,
} from "@paddler/protocol";
import { z } from "zod";
import { openAIStreamResults } from "../../engine/openai-stream-results.js";
import { readSseData } from "../../engine/read-sse-data.js";
import type { UpstreamAdapter, UpstreamRequestContext } from "../../engine/upstream-adapter.js";
import { upstreamEmbeddings } from "../../engine/upstream-embeddings.js";
import { upstreamErrorMessage } from "../../engine/upstream-error-message.js";
import { effectiveSampling, llamaServerGrammar } from "../../engine/upstream-request-fields.js";
import { probeLlamaServer } from "./llama-server-probe.js";

const completionEventSchema = z.object({
  content: z.string().default(""),
  stop: z.boolean().default(false),
  tokens_predicted: z.number().int().nonnegative().optional(),
  tokens_evaluated: z.number().int().nonnegative().optional(),
  timings: z
    .object({
      cache_n: z.number().int().nonnegative().optional(),
      prompt_n: z.number().int().nonnegative().optional(),
      predicted_n: z.number().int().nonnegative().optional(),
    })
    .loose()
    .optional(),
});

/** A failed reply as Paddler's result; a prompt too long for the slot says so in the words the balancer knows. */
async function failure(response: Response): Promise<GeneratedTokenResult> {
  const { message, body } = await upstreamErrorMessage(response);
  const error = (body as { error?: { type?: string; n_prompt_tokens?: number; n_ctx?: number } } | null)
    ?.error;
  if (error?.type === "exceed_context_size_error" && error.n_prompt_tokens !== undefined)
    return {
      SamplerError: `Prompt of ${error.n_prompt_tokens} tokens does not fit in the slot's ${error.n_ctx} tokens`,
    };
  return { SamplerError: message };
}

/** A JSON POST carrying the request's trace headers. */
function post(
  url: string,
  body: unknown,
  { context, signal }: { context: UpstreamRequestContext; signal: AbortSignal },
): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...context.traceHeaders },
    body: JSON.stringify(body),
    signal,
  });
}

/** llama.cpp's own server: requests pinned to a slot (`id_slot`) with the prompt cache on. */
export function createLlamaServerAdapter(options: {
  rootUrl: string;
  kind: AgentEngineKind;
}): UpstreamAdapter {
  const { rootUrl, kind } = options;
  return {
    kind,
    target: { rootUrl, headers: {} },
    probe: (signal) => probeLlamaServer(rootUrl, signal),

    async *continueFromRawPrompt(
      params: ContinueFromRawPromptParams,
      context: UpstreamRequestContext,
      signal,
    ) {
      const grammar = llamaServerGrammar(params.grammar);
      if ("error" in grammar) {
        yield { GrammarSyntaxError: grammar.error };
        return;
      }
      const response = await post(
        `${rootUrl}/completion`,
        {
          prompt: params.raw_prompt,
          n_predict: params.max_tokens,
          stream: true,
          cache_prompt: true,
          id_slot: context.slot,
          ...effectiveSampling(context.desiredState, params.sampling),
          ...grammar.fields,
        },
        { context, signal },
      );
      if (!response.ok || !response.body) {
        yield await failure(response);
        return;
      }
      for await (const data of readSseData(response.body)) {
        const event = completionEventSchema.parse(JSON.parse(data));
        if (event.content) yield { ContentToken: event.content };
        if (event.stop) {
          yield {
            Done: {
              usage: {
                ...emptyTokenUsage(),
                prompt_tokens:
                  event.tokens_evaluated ?? (event.timings?.prompt_n ?? 0) + (event.timings?.cache_n ?? 0),
                cached_prompt_tokens: event.timings?.cache_n ?? 0,
                content_tokens: event.tokens_predicted ?? event.timings?.predicted_n ?? 0,
              },
            },
          };
          return;
        }
      }
      throw new Error("llama-server ended the stream without its final event");
    },

    async *continueFromConversationHistory(
      params: ContinueFromConversationHistoryParams,
      context: UpstreamRequestContext,
      signal,
    ) {
      const grammar = llamaServerGrammar(params.grammar);
      if ("error" in grammar) {
        yield { GrammarSyntaxError: grammar.error };
        return;
      }
      const response = await post(
        `${rootUrl}/v1/chat/completions`,
        {
          messages: params.conversation_history,
          ...(params.max_tokens >= 0 ? { max_tokens: params.max_tokens } : {}),
          stream: true,
          stream_options: { include_usage: true },
          cache_prompt: true,
          id_slot: context.slot,
          add_generation_prompt: params.add_generation_prompt,
          chat_template_kwargs: { enable_thinking: params.enable_thinking },
          ...(params.tools && params.tools.length > 0 ? { tools: params.tools } : {}),
          ...effectiveSampling(context.desiredState, params.sampling),
          ...grammar.fields,
        },
        { context, signal },
      );
      if (!response.ok || !response.body) {
        yield await failure(response);
        return;
      }
      yield* openAIStreamResults(response.body, { parseToolCalls: params.parse_tool_calls !== false });
    },

    async *generateEmbeddingBatch(
      params: GenerateEmbeddingBatchParams,
      context: UpstreamRequestContext,
      signal,
    ) {
      yield* upstreamEmbeddings({ rootUrl, headers: {} }, params, context, signal);
    },
  };
}

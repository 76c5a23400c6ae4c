import type { Logger } from "@paddler/logger";
import { Hono } from "hono";
import { nanoid } from "nanoid";
import type { Dispatcher } from "../../dispatch/dispatcher.js";
import { directOutgoing } from "../../http/direct-stream.js";
import { dispatchOrigin } from "../../http/dispatch-origin.js";
import { systemTextOf } from "../../pools/route-model-request.js";
import { chatCompletionRequestSchema } from "../chat-completion-request.js";
import { chatChunkWriter, chatCompletionStream } from "../chat-completion-stream.js";
import { chatLogprobs } from "../chat-logprobs.js";
import { addChoiceUsage } from "../choice-usage.js";
import { collectGeneration } from "../collect-generation.js";
import { fastChatCompletionRequest } from "../fast-chat-completion-request.js";
import { finishReason } from "../finish-reason.js";
import { holdsBareJson } from "../holds-bare-json.js";
import type { OpenAIModelRouter } from "../model-router.js";
import { parseOpenAIBody } from "../parse-openai-body.js";
import { type SseMessage, ssePushResponse, sseResponse, sseText } from "../sse-response.js";
import { startPushGeneration } from "../start-generation.js";
import { startGenerations } from "../start-generations.js";
import { toChatAgentParams } from "../to-chat-agent-request.js";
import { toChatUsage } from "../to-chat-usage.js";
import { toOpenAIToolCall } from "../to-openai-tool-call.js";
import { unixSeconds } from "../unix-seconds.js";

export interface ChatCompletionsRouteDeps {
  dispatcher: Dispatcher;
  route: OpenAIModelRouter;
  logger?: Logger;
}

/** `POST /v1/chat/completions`, streaming (SSE) or not; `n` choices run on `n` slots. */
export function chatCompletionsRoute({ dispatcher, route, logger }: ChatCompletionsRouteDeps) {
  return new Hono().post("/chat/completions", async (c) => {
    const body = await parseOpenAIBody(c, chatCompletionRequestSchema, logger, fastChatCompletionRequest);
    const params = toChatAgentParams(body);
    const target = route(c, { ...body, systemText: systemTextOf(params.conversation_history) });
    target.requireTokenGeneration();
    const id = `chatcmpl-${nanoid()}`;
    const created = unixSeconds();
    const n = body.n ?? 1;
    const streamOptions = {
      id,
      model: body.model,
      created,
      maxTokens: params.max_tokens,
      includeUsage: body.stream_options?.include_usage === true,
      continuousUsage: body.stream_options?.continuous_usage_stats === true,
    };
    if (body.stream && n === 1) {
      // The hot path: each token becomes its chunk in the agent socket's callback and is written
      // at once (the chunks of one event-loop turn leave in one write); no promise per token.
      const generation = await startPushGeneration({
        dispatcher,
        request: { ContinueFromConversationHistory: params },
        ...dispatchOrigin(c, target),
        holdBareJson: holdsBareJson(params),
      });
      const writer = chatChunkWriter(1, streamOptions);
      return ssePushResponse(
        (out) => {
          const emit = (message: SseMessage) => out.write(sseText(message));
          writer.opening(emit);
          let over = false;
          generation.attach((event) => {
            if (over) return;
            over = writer.event(0, event, emit);
            if (over) out.end();
          });
        },
        () => generation.abort(),
        directOutgoing(c.env),
      );
    }
    const generations = await startGenerations({
      dispatcher,
      requests: Array.from({ length: n }, () => ({ ContinueFromConversationHistory: params })),
      ...dispatchOrigin(c, target),
      holdBareJson: holdsBareJson(params),
    });
    const abortAll = () => {
      for (const generation of generations) generation.abort();
    };
    if (body.stream) {
      const messages = chatCompletionStream(
        generations.map((generation) => generation.events),
        streamOptions,
      );
      return sseResponse(messages, abortAll);
    }
    const results = await Promise.all(
      generations.map((generation) => collectGeneration(generation.events)),
    ).catch((error: unknown) => {
      abortAll();
      throw error;
    });
    let usage = null;
    for (const result of results) usage = addChoiceUsage(usage, result.usage);
    return c.json({
      id,
      object: "chat.completion",
      created,
      model: body.model,
      system_fingerprint: null,
      choices: results.map((result, index) => {
        const toolCalls = result.toolCalls.map(toOpenAIToolCall);
        return {
          index,
          message: {
            role: "assistant",
            content: result.content === "" && toolCalls.length > 0 ? null : result.content,
            ...(result.reasoning ? { reasoning_content: result.reasoning } : {}),
            ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
            refusal: null,
            annotations: [],
          },
          logprobs: body.logprobs ? chatLogprobs(result.logprobs) : null,
          finish_reason: finishReason({
            usage: result.usage,
            maxTokens: params.max_tokens,
            toolCalls: toolCalls.length,
            finished: result.finished,
          }),
        };
      }),
      usage: usage ? toChatUsage(usage) : null,
    });
  });
}

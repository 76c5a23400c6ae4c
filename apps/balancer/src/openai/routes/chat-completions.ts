import { Hono } from "hono";
import { nanoid } from "nanoid";
import type { Dispatcher } from "../../dispatch/dispatcher.js";
import { systemTextOf } from "../../pools/route-model-request.js";
import { chatCompletionRequestSchema } from "../chat-completion-request.js";
import { chatCompletionStream } from "../chat-completion-stream.js";
import { collectGeneration } from "../collect-generation.js";
import { finishReason } from "../finish-reason.js";
import type { OpenAIModelRouter } from "../model-router.js";
import { parseOpenAIBody } from "../parse-openai-body.js";
import { sseResponse } from "../sse-response.js";
import { startGeneration } from "../start-generation.js";
import { toChatAgentParams } from "../to-chat-agent-request.js";
import { toChatUsage } from "../to-chat-usage.js";
import { toOpenAIToolCall } from "../to-openai-tool-call.js";
import { unixSeconds } from "../unix-seconds.js";

export interface ChatCompletionsRouteDeps {
  dispatcher: Dispatcher;
  route: OpenAIModelRouter;
}

/** `POST /v1/chat/completions`, streaming (SSE) or not. */
export function chatCompletionsRoute({ dispatcher, route }: ChatCompletionsRouteDeps) {
  return new Hono().post("/chat/completions", async (c) => {
    const body = await parseOpenAIBody(c, chatCompletionRequestSchema);
    const params = toChatAgentParams(body);
    const target = route(c, { ...body, systemText: systemTextOf(params.conversation_history) });
    target.requireTokenGeneration();
    const id = `chatcmpl-${nanoid()}`;
    const created = unixSeconds();
    const generation = await startGeneration({
      dispatcher,
      request: { ContinueFromConversationHistory: params },
      signal: c.req.raw.signal,
      requestId: c.get("requestId"),
      pool: target.pool,
      sessionKey: target.sessionKey,
    });
    if (body.stream) {
      const messages = chatCompletionStream(generation.events, {
        id,
        model: body.model,
        created,
        maxTokens: params.max_tokens,
        includeUsage: body.stream_options?.include_usage === true,
      });
      return sseResponse(messages, generation.abort);
    }
    const result = await collectGeneration(generation.events);
    const toolCalls = result.toolCalls.map(toOpenAIToolCall);
    return c.json({
      id,
      object: "chat.completion",
      created,
      model: body.model,
      system_fingerprint: null,
      choices: [
        {
          index: 0,
          message: {
            role: "assistant",
            content: result.content === "" && toolCalls.length > 0 ? null : result.content,
            ...(result.reasoning ? { reasoning_content: result.reasoning } : {}),
            ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
            refusal: null,
            annotations: [],
          },
          logprobs: null,
          finish_reason: finishReason({
            usage: result.usage,
            maxTokens: params.max_tokens,
            toolCalls: toolCalls.length,
          }),
        },
      ],
      usage: toChatUsage(result.usage),
    });
  });
}

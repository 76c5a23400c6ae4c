import type { Logger } from "@paddler/logger";
import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { nanoid } from "nanoid";
import type { Dispatcher } from "../dispatch/dispatcher.js";
import { dispatchOrigin } from "../http/dispatch-origin.js";
import { collectGeneration } from "../openai/collect-generation.js";
import { holdsBareJson } from "../openai/holds-bare-json.js";
import type { OpenAIModelRouter } from "../openai/model-router.js";
import { OpenAIError } from "../openai/openai-error.js";
import { parseOpenAIBody } from "../openai/parse-openai-body.js";
import { sseResponse } from "../openai/sse-response.js";
import { startGeneration } from "../openai/start-generation.js";
import { systemTextOf } from "../pools/route-model-request.js";
import { toolUseBlock } from "./anthropic-content.js";
import { toAnthropicError } from "./anthropic-error.js";
import { anthropicCountTokensRequestSchema, anthropicMessagesRequestSchema } from "./anthropic-request.js";
import { anthropicStopReason } from "./anthropic-stop-reason.js";
import { anthropicStream } from "./anthropic-stream.js";
import { anthropicUsage } from "./anthropic-usage.js";
import { toAnthropicAgentParams } from "./to-anthropic-agent-params.js";

export interface AnthropicMessagesRouteDeps {
  dispatcher: Dispatcher;
  route: OpenAIModelRouter;
  logger?: Logger;
}

/**
 * Anthropic's Messages API on the OpenAI-compatible address: `POST /v1/messages` (streaming or
 * not) and `POST /v1/messages/count_tokens` (the agent tokenizes the rendered prompt and
 * generates nothing). Same buffering, limits, credentials and cancellation as the OpenAI routes;
 * errors in Anthropic's shape.
 */
export function anthropicMessagesRoute({ dispatcher, route, logger }: AnthropicMessagesRouteDeps) {
  return new Hono()
    .post("/messages", async (c) => {
      const body = await parseOpenAIBody(c, anthropicMessagesRequestSchema, logger);
      const params = toAnthropicAgentParams(body, body.max_tokens);
      const target = route(c, {
        model: body.model,
        user: typeof body.metadata?.user_id === "string" ? body.metadata.user_id : undefined,
        systemText: systemTextOf(params.conversation_history),
      });
      target.requireTokenGeneration();
      const id = `msg_${nanoid()}`;
      const generation = await startGeneration({
        dispatcher,
        request: { ContinueFromConversationHistory: params },
        ...dispatchOrigin(c, target),
        holdBareJson: holdsBareJson(params),
      });
      if (body.stream)
        return sseResponse(anthropicStream(generation.events, { id, model: body.model }), generation.abort);
      const result = await collectGeneration(generation.events);
      const content = [
        ...(result.reasoning
          ? [{ type: "thinking" as const, thinking: result.reasoning, signature: "" }]
          : []),
        ...(result.content ? [{ type: "text" as const, text: result.content }] : []),
        ...result.toolCalls.map(toolUseBlock),
      ];
      return c.json({
        id,
        type: "message",
        role: "assistant",
        model: body.model,
        content,
        ...anthropicStopReason(result.finished, result.toolCalls.length),
        usage: anthropicUsage(result.usage),
      });
    })
    .post("/messages/count_tokens", async (c) => {
      const body = await parseOpenAIBody(c, anthropicCountTokensRequestSchema, logger);
      const params = toAnthropicAgentParams(body, 0);
      const target = route(c, { model: body.model, systemText: systemTextOf(params.conversation_history) });
      target.requireTokenGeneration();
      const generation = await startGeneration({
        dispatcher,
        request: { ContinueFromConversationHistory: params },
        ...dispatchOrigin(c, target),
      });
      const result = await collectGeneration(generation.events);
      return c.json({ input_tokens: result.usage.prompt_tokens });
    })
    .onError((thrown, c) => {
      const { status, body } = toAnthropicError(thrown);
      // Overflow and other answered conditions are the client's to handle; only surprises are errors here.
      if (status >= 500 && !(thrown instanceof OpenAIError))
        logger?.error("anthropic messages error", { error: thrown, path: c.req.path });
      if (status === 503) c.header("Retry-After", "1");
      return c.json(body, status as ContentfulStatusCode);
    });
}

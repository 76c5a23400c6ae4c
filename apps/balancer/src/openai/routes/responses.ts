import { Hono } from "hono";
import { nanoid } from "nanoid";
import type { Dispatcher } from "../../dispatch/dispatcher.js";
import { systemTextOf } from "../../pools/route-model-request.js";
import { collectGeneration } from "../collect-generation.js";
import { finishReason } from "../finish-reason.js";
import type { OpenAIModelRouter } from "../model-router.js";
import { parseOpenAIBody } from "../parse-openai-body.js";
import { collectedOutput, responseObjectFactory } from "../response-object.js";
import { responsesRequestSchema } from "../responses-request.js";
import { responsesStream } from "../responses-stream.js";
import { sseResponse } from "../sse-response.js";
import { startGeneration } from "../start-generation.js";
import { toResponsesAgentParams } from "../to-responses-agent-params.js";
import { unixSeconds } from "../unix-seconds.js";

export interface ResponsesRouteDeps {
  dispatcher: Dispatcher;
  route: OpenAIModelRouter;
}

/** `POST /v1/responses`, streaming (named SSE events) or not; ids are `resp_{nanoid}` as in Paddler. */
export function responsesRoute({ dispatcher, route }: ResponsesRouteDeps) {
  return new Hono().post("/responses", async (c) => {
    const body = await parseOpenAIBody(c, responsesRequestSchema);
    const params = toResponsesAgentParams(body);
    const target = route(c, { ...body, systemText: systemTextOf(params.conversation_history) });
    target.requireTokenGeneration();
    const response = responseObjectFactory({
      id: `resp_${nanoid()}`,
      createdAt: unixSeconds(),
      body,
      maxOutputTokens: params.max_tokens,
    });
    const generation = await startGeneration({
      dispatcher,
      request: { ContinueFromConversationHistory: params },
      signal: c.req.raw.signal,
      requestId: c.get("requestId"),
      pool: target.pool,
      sessionKey: target.sessionKey,
    });
    if (body.stream) {
      return sseResponse(
        responsesStream(generation.events, { response, maxOutputTokens: params.max_tokens }),
        generation.abort,
      );
    }
    const result = await collectGeneration(generation.events);
    const cut =
      finishReason({
        usage: result.usage,
        maxTokens: params.max_tokens,
        toolCalls: result.toolCalls.length,
      }) === "length";
    const output = collectedOutput({ ...result, status: cut ? "incomplete" : "completed" });
    return c.json(response({ status: cut ? "incomplete" : "completed", output, usage: result.usage }));
  });
}

import type { Logger } from "@paddler/logger";
import { Hono } from "hono";
import { nanoid } from "nanoid";
import type { Dispatcher } from "../../dispatch/dispatcher.js";
import { dispatchOrigin } from "../../http/dispatch-origin.js";
import { systemTextOf } from "../../pools/route-model-request.js";
import { collectGeneration } from "../collect-generation.js";
import { finishReason } from "../finish-reason.js";
import { holdsBareJson } from "../holds-bare-json.js";
import type { OpenAIModelRouter } from "../model-router.js";
import { parseOpenAIBody } from "../parse-openai-body.js";
import { outputAsInput, resolveResponsesInput } from "../resolve-responses-input.js";
import { collectedOutput, type OutputItem, responseObjectFactory } from "../response-object.js";
import type { ResponseStore } from "../response-store.js";
import { responsesRequestSchema } from "../responses-request.js";
import { responsesStream } from "../responses-stream.js";
import { sseResponse } from "../sse-response.js";
import { startGeneration } from "../start-generation.js";
import { toResponsesAgentParams } from "../to-responses-agent-params.js";
import { unixSeconds } from "../unix-seconds.js";

export interface ResponsesRouteDeps {
  dispatcher: Dispatcher;
  route: OpenAIModelRouter;
  store: ResponseStore;
  logger?: Logger;
}

/** `POST /v1/responses`, streaming (named SSE events) or not; ids are `resp_{nanoid}` as in Paddler. */
export function responsesRoute({ dispatcher, route, store, logger }: ResponsesRouteDeps) {
  return new Hono().post("/responses", async (c) => {
    const body = await parseOpenAIBody(c, responsesRequestSchema, logger);
    const items = resolveResponsesInput(body, store);
    const params = toResponsesAgentParams(body, items);
    const target = route(c, { ...body, systemText: systemTextOf(params.conversation_history) });
    target.requireTokenGeneration();
    const id = `resp_${nanoid()}`;
    // OpenAI stores by default; a client that says store: false gets nothing kept.
    const keep = (output: OutputItem[]) => {
      if (body.store !== false) store.put(id, { input: items, output: outputAsInput(output) });
    };
    const response = responseObjectFactory({
      id,
      createdAt: unixSeconds(),
      body,
      maxOutputTokens: params.max_tokens,
    });
    const generation = await startGeneration({
      dispatcher,
      request: { ContinueFromConversationHistory: params },
      ...dispatchOrigin(c, target),
      holdBareJson: holdsBareJson(params),
    });
    if (body.stream) {
      return sseResponse(
        responsesStream(generation.events, {
          response,
          maxOutputTokens: params.max_tokens,
          onFinished: keep,
        }),
        generation.abort,
      );
    }
    const result = await collectGeneration(generation.events);
    const cut =
      finishReason({
        usage: result.usage,
        maxTokens: params.max_tokens,
        toolCalls: result.toolCalls.length,
        finished: result.finished,
      }) === "length";
    const output = collectedOutput({ ...result, status: cut ? "incomplete" : "completed" });
    keep(output);
    return c.json(response({ status: cut ? "incomplete" : "completed", output, usage: result.usage }));
  });
}

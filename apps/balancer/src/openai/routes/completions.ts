import { continueFromRawPromptParamsSchema, emptyTokenUsage } from "@paddler/protocol";
import { Hono } from "hono";
import { nanoid } from "nanoid";
import type { Dispatcher } from "../../dispatch/dispatcher.js";
import { checkAgentParams } from "../check-agent-params.js";
import { collectGeneration } from "../collect-generation.js";
import { completionRequestSchema, defaultCompletionMaxTokens } from "../completion-request.js";
import { completionStream } from "../completion-stream.js";
import { finishReason } from "../finish-reason.js";
import type { OpenAIModelRouter } from "../model-router.js";
import { parseOpenAIBody } from "../parse-openai-body.js";
import { toSamplingOverrides } from "../request-fields.js";
import { sseResponse } from "../sse-response.js";
import { startGenerations } from "../start-generations.js";
import { addUsage, toCompletionUsage } from "../to-completion-usage.js";
import { unixSeconds } from "../unix-seconds.js";

export interface CompletionsRouteDeps {
  dispatcher: Dispatcher;
  route: OpenAIModelRouter;
}

/** `POST /v1/completions`: each prompt is its own ContinueFromRawPrompt; they run in parallel. */
export function completionsRoute({ dispatcher, route }: CompletionsRouteDeps) {
  return new Hono().post("/completions", async (c) => {
    const body = await parseOpenAIBody(c, completionRequestSchema);
    const prompts = typeof body.prompt === "string" ? [body.prompt] : body.prompt;
    const maxTokens = body.max_tokens ?? defaultCompletionMaxTokens;
    const sampling = toSamplingOverrides(body);
    const requests = prompts.map((raw_prompt) => ({
      ContinueFromRawPrompt: checkAgentParams(
        continueFromRawPromptParamsSchema,
        { raw_prompt, max_tokens: maxTokens, ...(sampling ? { sampling } : {}) },
        { raw_prompt: "prompt", sampling: "stop" },
      ),
    }));
    const target = route(c, body);
    target.requireTokenGeneration();
    const id = `cmpl-${nanoid()}`;
    const created = unixSeconds();
    const generations = await startGenerations({
      dispatcher,
      requests,
      signal: c.req.raw.signal,
      requestId: c.get("requestId"),
      pool: target.pool,
      sessionKey: target.sessionKey,
    });
    if (body.stream) {
      const messages = completionStream(generations, {
        id,
        model: body.model,
        created,
        maxTokens,
        includeUsage: body.stream_options?.include_usage === true,
        echoPrompts: body.echo ? prompts : null,
      });
      return sseResponse(messages, () => {
        for (const generation of generations) generation.abort();
      });
    }
    const results = await Promise.all(
      generations.map((generation) => collectGeneration(generation.events)),
    ).catch((error: unknown) => {
      for (const generation of generations) generation.abort();
      throw error;
    });
    return c.json({
      id,
      object: "text_completion",
      created,
      model: body.model,
      system_fingerprint: null,
      choices: results.map((result, index) => ({
        index,
        text: (body.echo ? (prompts[index] ?? "") : "") + result.content,
        logprobs: null,
        finish_reason: finishReason({ usage: result.usage, maxTokens, toolCalls: 0 }),
      })),
      usage: toCompletionUsage(
        results.reduce((sum, result) => addUsage(sum, result.usage), emptyTokenUsage()),
      ),
    });
  });
}

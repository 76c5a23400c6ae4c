import type { Logger } from "@paddler/logger";
import { continueFromRawPromptParamsSchema, emptyTokenUsage } from "@paddler/protocol";
import { Hono } from "hono";
import { nanoid } from "nanoid";
import type { Dispatcher } from "../../dispatch/dispatcher.js";
import { dispatchOrigin } from "../../http/dispatch-origin.js";
import { checkAgentParams } from "../check-agent-params.js";
import { collectGeneration } from "../collect-generation.js";
import { completionLogprobs } from "../completion-logprobs.js";
import { completionRequestSchema } from "../completion-request.js";
import { completionStream } from "../completion-stream.js";
import { finishReason } from "../finish-reason.js";
import type { OpenAIModelRouter } from "../model-router.js";
import { parseOpenAIBody } from "../parse-openai-body.js";
import { toSamplingOverrides } from "../request-fields.js";
import { sseResponse } from "../sse-response.js";
import { startGenerations } from "../start-generations.js";
import { untilContextEnd } from "../to-chat-agent-request.js";
import { addUsage, toCompletionUsage } from "../to-completion-usage.js";
import { schemaGrammar } from "../to-grammar.js";
import { unixSeconds } from "../unix-seconds.js";

export interface CompletionsRouteDeps {
  dispatcher: Dispatcher;
  route: OpenAIModelRouter;
  logger?: Logger;
}

/** `POST /v1/completions`: each prompt is its own ContinueFromRawPrompt; they run in parallel. */
export function completionsRoute({ dispatcher, route, logger }: CompletionsRouteDeps) {
  return new Hono().post("/completions", async (c) => {
    const body = await parseOpenAIBody(c, completionRequestSchema, logger);
    const { prompt } = body;
    // One prompt per choice group: a string, or token ids (numbers), each maybe in a list.
    const prompts: (string | number[])[] =
      typeof prompt === "string"
        ? [prompt]
        : typeof prompt[0] === "number"
          ? [prompt as number[]]
          : (prompt as (string | number[])[]);
    const n = body.n ?? 1;
    // No max_tokens: what fits in the slot (llama-server's n_predict -1).
    const maxTokens = body.max_tokens ?? body.n_predict ?? untilContextEnd;
    const wantsLogprobs = body.logprobs != null;
    const sampling = toSamplingOverrides(body, { nProbs: wantsLogprobs ? (body.logprobs ?? 0) : undefined });
    const grammar =
      (body.json_schema
        ? { type: "gbnf" as const, grammar: schemaGrammar(body.json_schema, "json_schema"), root: "root" }
        : null) ?? (body.grammar ? { type: "gbnf" as const, grammar: body.grammar, root: "root" } : null);
    const requests = prompts.flatMap((one) =>
      Array.from({ length: n }, () => ({
        ContinueFromRawPrompt: checkAgentParams(
          continueFromRawPromptParamsSchema,
          {
            raw_prompt: typeof one === "string" ? one : "",
            ...(typeof one === "string" ? {} : { prompt_tokens: one }),
            max_tokens: maxTokens,
            report_finish: true,
            ...(wantsLogprobs ? { logprobs: true } : {}),
            ...(grammar ? { grammar } : {}),
            ...(sampling ? { sampling } : {}),
          },
          { raw_prompt: "prompt", prompt_tokens: "prompt", sampling: "stop" },
        ),
      })),
    );
    // Echo shows token-id prompts as nothing: the balancer has no tokenizer to detokenize them.
    const echoed = prompts.flatMap((one) =>
      Array.from({ length: n }, () => (typeof one === "string" ? one : "")),
    );
    const target = route(c, body);
    target.requireTokenGeneration();
    const id = `cmpl-${nanoid()}`;
    const created = unixSeconds();
    const generations = await startGenerations({
      dispatcher,
      requests,
      ...dispatchOrigin(c, target),
    });
    if (body.stream) {
      const messages = completionStream(generations, {
        id,
        model: body.model,
        created,
        maxTokens,
        includeUsage: body.stream_options?.include_usage === true,
        echoPrompts: body.echo ? echoed : null,
        logprobs: wantsLogprobs,
        continuousUsage: body.stream_options?.continuous_usage_stats === true,
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
        text: (body.echo ? (echoed[index] ?? "") : "") + result.content,
        logprobs: wantsLogprobs
          ? completionLogprobs(result.logprobs, body.echo ? (echoed[index] ?? "").length : 0)
          : null,
        finish_reason: finishReason({
          usage: result.usage,
          maxTokens,
          toolCalls: 0,
          finished: result.finished,
        }),
      })),
      usage: toCompletionUsage(
        results.reduce((sum, result) => addUsage(sum, result.usage), emptyTokenUsage()),
      ),
    });
  });
}

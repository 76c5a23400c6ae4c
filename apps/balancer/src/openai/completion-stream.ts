import { emptyTokenUsage, type TokenLogprobs, type TokenUsage } from "@paddler/protocol";
import { mergeAsyncIterables } from "../dispatch/merge-async-iterables.js";
import { completionLogprobs } from "./completion-logprobs.js";
import { finishReason } from "./finish-reason.js";
import type { GenerationEvent } from "./generation-events.js";
import type { SseMessage } from "./sse-response.js";
import type { StartedGeneration } from "./start-generation.js";
import { addUsage, toCompletionUsage } from "./to-completion-usage.js";

export interface CompletionStreamOptions {
  id: string;
  model: string;
  created: number;
  maxTokens: number;
  includeUsage: boolean;
  /** With `echo`, each choice's prompt, sent first. */
  echoPrompts: readonly string[] | null;
  /** `logprobs` was asked for: each text chunk carries its tokens' logprobs (legacy shape). */
  logprobs?: boolean;
  /** llama-server's `stream_options.continuous_usage_stats`: every chunk carries the usage so far. */
  continuousUsage?: boolean;
}

async function* indexed(events: AsyncIterable<GenerationEvent>, index: number) {
  for await (const event of events) yield { index, event };
}

/** `text_completion` chunks for every prompt (interleaved, told apart by `index`), then `[DONE]`. */
export async function* completionStream(
  generations: readonly StartedGeneration[],
  {
    id,
    model,
    created,
    maxTokens,
    includeUsage,
    echoPrompts,
    logprobs = false,
    continuousUsage = false,
  }: CompletionStreamOptions,
): AsyncGenerator<SseMessage> {
  // Text pieces sent so far, and the prompt tokens of the choices that have finished (the agent
  // reports a prompt's size only at the end), for continuous usage.
  let generated = 0;
  let promptTokens = 0;
  const runningUsage = () => ({
    prompt_tokens: promptTokens,
    completion_tokens: generated,
    total_tokens: promptTokens + generated,
  });
  const chunk = (choices: unknown[], usage?: unknown) => ({
    data: JSON.stringify({
      id,
      object: "text_completion",
      created,
      model,
      system_fingerprint: null,
      choices,
      ...(usage !== undefined ? { usage } : continuousUsage ? { usage: runningUsage() } : {}),
    }),
  });
  // Where each choice's text has got to, so text_offset counts from the start of the whole text
  // (echoed prompt included), as in the non-streamed answer.
  const offsets = generations.map((_, index) => echoPrompts?.[index]?.length ?? 0);
  const pending: TokenLogprobs[][] = generations.map(() => []);
  const choice = (index: number, text: string, finish: string | null = null) => {
    let choiceLogprobs: ReturnType<typeof completionLogprobs> | null = null;
    if (logprobs) {
      // The agent sends a token's logprobs just before its text; a chunk carries those sent since the last.
      choiceLogprobs = completionLogprobs(pending[index] ?? [], offsets[index] ?? 0);
      pending[index] = [];
      offsets[index] = (offsets[index] ?? 0) + text.length;
    }
    return { index, text, logprobs: choiceLogprobs, finish_reason: finish };
  };
  for (const [index, prompt] of (echoPrompts ?? []).entries())
    yield chunk([{ index, text: prompt, logprobs: null, finish_reason: null }]);
  let usage: TokenUsage = emptyTokenUsage();
  const merged = mergeAsyncIterables(
    generations.map((generation, index) => indexed(generation.events, index)),
  );
  try {
    for await (const { index, event } of merged) {
      if (event.type === "content" && event.text) {
        generated++;
        yield chunk([choice(index, event.text)]);
      } else if (event.type === "logprobs") pending[index]?.push(event.entry);
      else if (event.type === "error") {
        yield { data: JSON.stringify(event.error.toBody()) };
        return;
      } else if (event.type === "done") {
        usage = addUsage(usage, event.usage);
        promptTokens += event.usage.prompt_tokens;
        yield chunk([
          choice(
            index,
            "",
            finishReason({ usage: event.usage, maxTokens, toolCalls: 0, finished: event.finished }),
          ),
        ]);
      }
    }
    if (includeUsage) yield chunk([], toCompletionUsage(usage));
    yield { data: "[DONE]" };
  } finally {
    for (const generation of generations) generation.abort();
  }
}

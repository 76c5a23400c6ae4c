import type { TokenLogprobs, TokenUsage } from "@paddler/protocol";
import { mergeAsyncIterables } from "../dispatch/merge-async-iterables.js";
import { chatLogprobs } from "./chat-logprobs.js";
import { addChoiceUsage } from "./choice-usage.js";
import { finishReason } from "./finish-reason.js";
import type { GenerationEvent } from "./generation-events.js";
import type { SseMessage } from "./sse-response.js";
import { toChatUsage } from "./to-chat-usage.js";
import { toOpenAIToolCall } from "./to-openai-tool-call.js";

export interface ChatStreamOptions {
  id: string;
  model: string;
  created: number;
  maxTokens: number;
  includeUsage: boolean;
  /** llama-server's `continuous_usage_stats`: usage (so far) on every chunk. */
  continuousUsage?: boolean;
}

const data = (value: unknown): SseMessage => ({ data: JSON.stringify(value) });

async function* indexed(events: AsyncIterable<GenerationEvent>, index: number) {
  for await (const event of events) yield { index, event };
}

/** Turns the generation events of `choices` choices into SSE messages, one call per event. */
export interface ChatChunkWriter {
  /** The assistant-role chunk of every choice, which opens the stream. */
  opening(emit: (message: SseMessage) => void): void;
  /** Emits what one choice's event means; true once the stream is over (after `[DONE]` or an error). */
  event(index: number, event: GenerationEvent, emit: (message: SseMessage) => void): boolean;
}

/**
 * `chat.completion.chunk` events for one or more choices (`n`, told apart by `index`): the
 * assistant role first, then content / reasoning_content / tool_calls deltas, a finish chunk per
 * choice, the usage chunk when asked, and `[DONE]`. An error mid-stream is one `{"error":…}`
 * event and the stream ends without `[DONE]`. Push-based, so the streaming route can call it from
 * the agent socket's callback.
 */
export function chatChunkWriter(
  choices: number,
  { id, model, created, maxTokens, includeUsage, continuousUsage = false }: ChatStreamOptions,
): ChatChunkWriter {
  let usage: TokenUsage | null = null;
  let generated = 0;
  const chunk = (
    index: number,
    delta: Record<string, unknown>,
    finish: string | null = null,
    logprobs: TokenLogprobs[] = [],
  ) =>
    data({
      id,
      object: "chat.completion.chunk",
      created,
      model,
      system_fingerprint: null,
      choices: [
        {
          index,
          delta,
          logprobs: logprobs.length > 0 ? chatLogprobs(logprobs) : null,
          finish_reason: finish,
        },
      ],
      ...(continuousUsage
        ? {
            usage: {
              prompt_tokens: usage?.prompt_tokens ?? 0,
              completion_tokens: generated,
              total_tokens: (usage?.prompt_tokens ?? 0) + generated,
            },
          }
        : includeUsage
          ? { usage: null }
          : {}),
    });
  // A token's chunk for the common case (one choice, no logprobs, no running usage): the same bytes
  // as chunk(0, { content }) with the constant parts built once.
  const head = `{"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":${JSON.stringify(created)},"model":${JSON.stringify(model)},"system_fingerprint":null,"choices":[{"index":0,"delta":{"content":`;
  const tail = `},"logprobs":null,"finish_reason":null}]${includeUsage ? ',"usage":null' : ""}}`;
  const fast = choices === 1 && !continuousUsage;
  const contentChunk = (text: string): SseMessage => ({ data: `${head}${JSON.stringify(text)}${tail}` });
  const toolCalls = Array.from({ length: choices }, () => 0);
  const pendingLogprobs: TokenLogprobs[][] = Array.from({ length: choices }, () => []);
  let finished = 0;
  return {
    opening(emit) {
      for (let index = 0; index < choices; index++) emit(chunk(index, { role: "assistant", content: "" }));
    },
    event(index, event, emit) {
      const takeLogprobs = () => {
        const taken = pendingLogprobs[index] ?? [];
        pendingLogprobs[index] = [];
        return taken;
      };
      switch (event.type) {
        case "content":
          if (event.text) {
            generated++;
            const logprobs = takeLogprobs();
            emit(
              fast && logprobs.length === 0
                ? contentChunk(event.text)
                : chunk(index, { content: event.text }, null, logprobs),
            );
          }
          return false;
        case "reasoning":
          if (event.text) emit(chunk(index, { reasoning_content: event.text }));
          return false;
        case "logprobs":
          pendingLogprobs[index]?.push(event.entry);
          return false;
        case "tool_calls":
          emit(
            chunk(index, {
              tool_calls: event.calls.map((call, offset) => ({
                index: (toolCalls[index] ?? 0) + offset,
                ...toOpenAIToolCall(call),
              })),
            }),
          );
          toolCalls[index] = (toolCalls[index] ?? 0) + event.calls.length;
          return false;
        case "error":
          emit(data(event.error.toBody()));
          return true;
        case "done":
          usage = addChoiceUsage(usage, event.usage);
          emit(
            chunk(
              index,
              {},
              finishReason({
                usage: event.usage,
                maxTokens,
                toolCalls: toolCalls[index] ?? 0,
                finished: event.finished,
              }),
              takeLogprobs(),
            ),
          );
          if (++finished < choices) return false;
          if (includeUsage)
            emit(
              data({
                id,
                object: "chat.completion.chunk",
                created,
                model,
                system_fingerprint: null,
                choices: [],
                usage: toChatUsage(usage),
              }),
            );
          emit({ data: "[DONE]" });
          return true;
      }
    },
  };
}

/** The same stream as an async generator over each choice's events (see chatChunkWriter). */
export async function* chatCompletionStream(
  sources: AsyncIterable<GenerationEvent> | readonly AsyncIterable<GenerationEvent>[],
  options: ChatStreamOptions,
): AsyncGenerator<SseMessage> {
  const streams = Array.isArray(sources) ? sources : [sources as AsyncIterable<GenerationEvent>];
  const writer = chatChunkWriter(streams.length, options);
  const out: SseMessage[] = [];
  const emit = (message: SseMessage) => {
    out.push(message);
  };
  writer.opening(emit);
  for (const message of out.splice(0)) yield message;
  const merged = mergeAsyncIterables(streams.map((events, index) => indexed(events, index)));
  for await (const { index, event } of merged) {
    const over = writer.event(index, event, emit);
    for (const message of out.splice(0)) yield message;
    if (over) return;
  }
}

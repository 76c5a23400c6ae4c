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

/**
 * `chat.completion.chunk` events for one or more choices (`n`, told apart by `index`): the
 * assistant role first, then content / reasoning_content / tool_calls deltas, a finish chunk per
 * choice, the usage chunk when asked, and `[DONE]`. An error mid-stream is one `{"error":…}`
 * event and the stream ends without `[DONE]`.
 */
export async function* chatCompletionStream(
  sources: AsyncIterable<GenerationEvent> | readonly AsyncIterable<GenerationEvent>[],
  { id, model, created, maxTokens, includeUsage, continuousUsage = false }: ChatStreamOptions,
): AsyncGenerator<SseMessage> {
  const streams = Array.isArray(sources) ? sources : [sources as AsyncIterable<GenerationEvent>];
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
  const fast = streams.length === 1 && !continuousUsage;
  const contentChunk = (text: string): SseMessage => ({ data: `${head}${JSON.stringify(text)}${tail}` });
  for (const [index] of streams.entries()) yield chunk(index, { role: "assistant", content: "" });
  const toolCalls = streams.map(() => 0);
  const pendingLogprobs: TokenLogprobs[][] = streams.map(() => []);
  const merged = mergeAsyncIterables(streams.map((events, index) => indexed(events, index)));
  let finished = 0;
  for await (const { index, event } of merged) {
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
          yield fast && logprobs.length === 0
            ? contentChunk(event.text)
            : chunk(index, { content: event.text }, null, logprobs);
        }
        break;
      case "reasoning":
        if (event.text) yield chunk(index, { reasoning_content: event.text });
        break;
      case "logprobs":
        pendingLogprobs[index]?.push(event.entry);
        break;
      case "tool_calls":
        yield chunk(index, {
          tool_calls: event.calls.map((call, offset) => ({
            index: (toolCalls[index] ?? 0) + offset,
            ...toOpenAIToolCall(call),
          })),
        });
        toolCalls[index] = (toolCalls[index] ?? 0) + event.calls.length;
        break;
      case "error":
        yield data(event.error.toBody());
        return;
      case "done":
        usage = addChoiceUsage(usage, event.usage);
        yield chunk(
          index,
          {},
          finishReason({
            usage: event.usage,
            maxTokens,
            toolCalls: toolCalls[index] ?? 0,
            finished: event.finished,
          }),
          takeLogprobs(),
        );
        if (++finished < streams.length) break;
        if (includeUsage)
          yield data({
            id,
            object: "chat.completion.chunk",
            created,
            model,
            system_fingerprint: null,
            choices: [],
            usage: toChatUsage(usage),
          });
        yield { data: "[DONE]" };
        return;
    }
  }
}

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
}

const data = (value: unknown): SseMessage => ({ data: JSON.stringify(value) });

/**
 * `chat.completion.chunk` events: the assistant role first, then content / reasoning_content /
 * tool_calls deltas, a finish chunk, the usage chunk when asked, and `[DONE]`. An error mid-stream
 * is one `{"error":…}` event and the stream ends without `[DONE]`.
 */
export async function* chatCompletionStream(
  events: AsyncIterable<GenerationEvent>,
  { id, model, created, maxTokens, includeUsage }: ChatStreamOptions,
): AsyncGenerator<SseMessage> {
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    data({
      id,
      object: "chat.completion.chunk",
      created,
      model,
      system_fingerprint: null,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
      ...(includeUsage ? { usage: null } : {}),
    });
  // A token's chunk, the same bytes as chunk({ content }) with the constant parts built once.
  const head = `{"id":${JSON.stringify(id)},"object":"chat.completion.chunk","created":${JSON.stringify(created)},"model":${JSON.stringify(model)},"system_fingerprint":null,"choices":[{"index":0,"delta":{"content":`;
  const tail = `},"logprobs":null,"finish_reason":null}]${includeUsage ? ',"usage":null' : ""}}`;
  const contentChunk = (text: string): SseMessage => ({ data: `${head}${JSON.stringify(text)}${tail}` });
  yield chunk({ role: "assistant", content: "" });
  let toolCalls = 0;
  for await (const event of events) {
    switch (event.type) {
      case "content":
        if (event.text) yield contentChunk(event.text);
        break;
      case "reasoning":
        if (event.text) yield chunk({ reasoning_content: event.text });
        break;
      case "tool_calls":
        yield chunk({
          tool_calls: event.calls.map((call, offset) => ({
            index: toolCalls + offset,
            ...toOpenAIToolCall(call),
          })),
        });
        toolCalls += event.calls.length;
        break;
      case "error":
        yield data(event.error.toBody());
        return;
      case "done":
        yield chunk({}, finishReason({ usage: event.usage, maxTokens, toolCalls }));
        if (includeUsage)
          yield data({
            id,
            object: "chat.completion.chunk",
            created,
            model,
            system_fingerprint: null,
            choices: [],
            usage: toChatUsage(event.usage),
          });
        yield { data: "[DONE]" };
        return;
    }
  }
}

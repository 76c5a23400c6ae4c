import type { GenerationEvent } from "../openai/generation-events.js";
import type { SseMessage } from "../openai/sse-response.js";
import { toolUseBlock } from "./anthropic-content.js";
import { toAnthropicError } from "./anthropic-error.js";
import { anthropicStopReason } from "./anthropic-stop-reason.js";
import { anthropicUsage } from "./anthropic-usage.js";

const event = (type: string, fields: Record<string, unknown>): SseMessage => ({
  event: type,
  data: JSON.stringify({ type, ...fields }),
});

/**
 * Anthropic's streaming events: `message_start`, then per block `content_block_start` →
 * `content_block_delta`… → `content_block_stop` (text, thinking, tool_use with one
 * `input_json_delta`), `message_delta` with stop_reason and usage, `message_stop`. An error
 * mid-stream is an `error` event. Prompt tokens are known only at the end, so `message_start`
 * counts 0 and `message_delta` carries the real input_tokens too.
 */
export async function* anthropicStream(
  events: AsyncIterable<GenerationEvent>,
  { id, model }: { id: string; model: string },
): AsyncGenerator<SseMessage> {
  yield event("message_start", {
    message: {
      id,
      type: "message",
      role: "assistant",
      model,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { input_tokens: 0, output_tokens: 0 },
    },
  });
  let index = -1;
  let open: "text" | "thinking" | null = null;
  let toolCalls = 0;
  function* close(): Generator<SseMessage> {
    if (open === null) return;
    if (open === "thinking")
      yield event("content_block_delta", { index, delta: { type: "signature_delta", signature: "" } });
    yield event("content_block_stop", { index });
    open = null;
  }
  function* append(kind: "text" | "thinking", text: string): Generator<SseMessage> {
    if (!text) return;
    if (open !== kind) {
      yield* close();
      index++;
      open = kind;
      yield event("content_block_start", {
        index,
        content_block:
          kind === "text" ? { type: "text", text: "" } : { type: "thinking", thinking: "", signature: "" },
      });
    }
    yield event("content_block_delta", {
      index,
      delta: kind === "text" ? { type: "text_delta", text } : { type: "thinking_delta", thinking: text },
    });
  }
  for await (const item of events) {
    switch (item.type) {
      case "content":
        yield* append("text", item.text);
        break;
      case "reasoning":
        yield* append("thinking", item.text);
        break;
      case "tool_calls":
        yield* close();
        for (const call of item.calls) {
          const block = toolUseBlock(call);
          index++;
          toolCalls++;
          yield event("content_block_start", { index, content_block: { ...block, input: {} } });
          yield event("content_block_delta", {
            index,
            delta: { type: "input_json_delta", partial_json: JSON.stringify(block.input) },
          });
          yield event("content_block_stop", { index });
        }
        break;
      case "logprobs":
        break;
      case "error":
        yield* close();
        yield event("error", { error: toAnthropicError(item.error).body.error });
        return;
      case "done": {
        yield* close();
        yield event("message_delta", {
          delta: anthropicStopReason(item.finished, toolCalls),
          usage: anthropicUsage(item.usage),
        });
        yield event("message_stop", {});
        return;
      }
    }
  }
}

import { finishReason } from "./finish-reason.js";
import type { GenerationEvent } from "./generation-events.js";
import {
  functionCallItem,
  messageItem,
  newItemId,
  type OutputItem,
  outputTextPart,
  type ResponseObjectFactory,
  reasoningItem,
} from "./response-object.js";
import type { SseMessage } from "./sse-response.js";
import { toolCallArguments } from "./to-openai-tool-call.js";

interface OpenItem {
  kind: "reasoning" | "message";
  id: string;
  outputIndex: number;
  text: string;
}

/**
 * The responses SSE sequence: `response.created`, `response.in_progress`, then per output item
 * `output_item.added` → `content_part.added` → `*.delta`… → `*.done` → `content_part.done` →
 * `output_item.done`, and `response.completed` (`response.incomplete` when max_output_tokens cut
 * it, `response.failed` on an error). Every event carries a growing `sequence_number`.
 */
export async function* responsesStream(
  events: AsyncIterable<GenerationEvent>,
  options: {
    response: ResponseObjectFactory;
    maxOutputTokens: number;
    /** Called with the final output of a response that did not fail (to store it). */
    onFinished?: (output: OutputItem[]) => void;
  },
): AsyncGenerator<SseMessage> {
  let sequence = 0;
  const emit = (type: string, fields: Record<string, unknown>): SseMessage => ({
    event: type,
    data: JSON.stringify({ type, sequence_number: sequence++, ...fields }),
  });
  const output: OutputItem[] = [];
  let open: OpenItem | null = null;

  function* openItem(kind: OpenItem["kind"]): Generator<SseMessage> {
    open = { kind, id: newItemId(kind === "reasoning" ? "rs" : "msg"), outputIndex: output.length, text: "" };
    const item =
      kind === "reasoning"
        ? reasoningItem(open.id, null, "in_progress")
        : messageItem(open.id, null, "in_progress");
    output.push(item);
    yield emit("response.output_item.added", { output_index: open.outputIndex, item });
    const part = kind === "reasoning" ? { type: "reasoning_text", text: "" } : outputTextPart("");
    yield emit("response.content_part.added", {
      item_id: open.id,
      output_index: open.outputIndex,
      content_index: 0,
      part,
    });
  }
  function* closeItem(status: "completed" | "incomplete"): Generator<SseMessage> {
    const item: OpenItem | null = open;
    if (!item) return;
    open = null;
    const where = { item_id: item.id, output_index: item.outputIndex, content_index: 0 };
    const done =
      item.kind === "reasoning"
        ? reasoningItem(item.id, item.text, status)
        : messageItem(item.id, item.text, status);
    output[item.outputIndex] = done;
    if (item.kind === "reasoning") {
      yield emit("response.reasoning_text.done", { ...where, text: item.text });
      yield emit("response.content_part.done", {
        ...where,
        part: { type: "reasoning_text", text: item.text },
      });
    } else {
      yield emit("response.output_text.done", { ...where, text: item.text, logprobs: [] });
      yield emit("response.content_part.done", { ...where, part: outputTextPart(item.text) });
    }
    yield emit("response.output_item.done", { output_index: item.outputIndex, item: done });
  }
  function* append(kind: OpenItem["kind"], text: string): Generator<SseMessage> {
    if (!text) return;
    if (open?.kind !== kind) {
      yield* closeItem("completed");
      yield* openItem(kind);
    }
    const item = open as OpenItem | null;
    if (!item) return;
    item.text += text;
    const type = kind === "reasoning" ? "response.reasoning_text.delta" : "response.output_text.delta";
    yield emit(type, {
      item_id: item.id,
      output_index: item.outputIndex,
      content_index: 0,
      delta: text,
      ...(kind === "message" ? { logprobs: [] } : {}),
    });
  }

  yield emit("response.created", { response: options.response({ status: "in_progress", output: [] }) });
  yield emit("response.in_progress", { response: options.response({ status: "in_progress", output: [] }) });
  let toolCalls = 0;
  for await (const event of events) {
    switch (event.type) {
      case "content":
        yield* append("message", event.text);
        break;
      case "reasoning":
        yield* append("reasoning", event.text);
        break;
      case "tool_calls":
        yield* closeItem("completed");
        for (const call of event.calls) {
          const id = newItemId("fc");
          const outputIndex = output.length;
          const args = toolCallArguments(call);
          output.push(functionCallItem(id, call, "", "in_progress"));
          yield emit("response.output_item.added", { output_index: outputIndex, item: output[outputIndex] });
          yield emit("response.function_call_arguments.delta", {
            item_id: id,
            output_index: outputIndex,
            delta: args,
          });
          yield emit("response.function_call_arguments.done", {
            item_id: id,
            output_index: outputIndex,
            name: call.name,
            arguments: args,
          });
          output[outputIndex] = functionCallItem(id, call, args, "completed");
          yield emit("response.output_item.done", { output_index: outputIndex, item: output[outputIndex] });
          toolCalls++;
        }
        break;
      case "error":
        yield* closeItem("incomplete");
        yield emit("response.failed", {
          response: options.response({ status: "failed", output, error: event.error }),
        });
        return;
      case "done": {
        const cut =
          finishReason({
            usage: event.usage,
            maxTokens: options.maxOutputTokens,
            toolCalls,
            finished: event.finished,
          }) === "length";
        // A response always has a message unless the model only called tools.
        if (output.length === 0 && !open) yield* openItem("message");
        yield* closeItem(cut ? "incomplete" : "completed");
        const status = cut ? "incomplete" : "completed";
        options.onFinished?.(output);
        yield emit(`response.${status}`, {
          response: options.response({ status, output, usage: event.usage }),
        });
        return;
      }
    }
  }
}

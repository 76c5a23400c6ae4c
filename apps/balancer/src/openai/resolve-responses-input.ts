import { OpenAIError } from "./openai-error.js";
import type { OutputItem } from "./response-object.js";
import type { ResponseStore } from "./response-store.js";
import type { ResponsesInputItem, ResponsesRequest } from "./responses-request.js";

/**
 * The conversation a request stands for: the stored turns of `previous_response_id`, then its own
 * input with every `item_reference` replaced by the stored item. Unknown ids are 400s naming them.
 */
export function resolveResponsesInput(body: ResponsesRequest, store: ResponseStore): ResponsesInputItem[] {
  const earlier: ResponsesInputItem[] = [];
  if (body.previous_response_id) {
    const previous = store.get(body.previous_response_id);
    if (!previous)
      throw new OpenAIError({
        message: `Previous response with id '${body.previous_response_id}' not found (responses are kept for a while on the balancer that answered them, and only with store: true)`,
        status: 400,
        param: "previous_response_id",
        code: "previous_response_not_found",
      });
    earlier.push(...previous.input, ...previous.output);
  }
  const own: ResponsesInputItem[] =
    typeof body.input === "string" ? [{ type: "message", role: "user", content: body.input }] : body.input;
  const resolved = own.map((item, index): ResponsesInputItem => {
    if (item.type !== "item_reference") return item;
    const found = store.item(item.id);
    if (!found)
      throw new OpenAIError({
        message: `Item with id '${item.id}' not found (input[${index}] refers to it)`,
        status: 400,
        param: `input[${index}].id`,
        code: "item_not_found",
      });
    return found;
  });
  return [...earlier, ...resolved];
}

/** A response's output items as input items of a later turn. */
export function outputAsInput(output: readonly OutputItem[]): ResponsesInputItem[] {
  return output.flatMap((item): ResponsesInputItem[] => {
    if (item.type === "message")
      return [
        {
          type: "message",
          id: item.id,
          role: "assistant",
          content: item.content.map((part) => ({ type: "output_text" as const, text: part.text })),
        },
      ];
    if (item.type === "function_call")
      return [
        {
          type: "function_call",
          id: item.id,
          call_id: item.call_id,
          name: item.name,
          arguments: item.arguments,
        },
      ];
    return [];
  });
}

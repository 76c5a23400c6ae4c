import {
  type ContinueFromConversationHistoryParams,
  type ConversationMessage,
  type ConversationMessageContentPart,
  continueFromConversationHistoryParamsSchema,
} from "@paddler/protocol";
import { checkAgentParams } from "./check-agent-params.js";
import { toSamplingOverrides } from "./request-fields.js";
import type { ResponsesInputItem, ResponsesRequest } from "./responses-request.js";
import { toolCallText } from "./to-conversation-history.js";
import { toGrammar } from "./to-grammar.js";
import { toTools } from "./to-tools.js";

/** Paddler's default for `max_output_tokens`. */
export const defaultResponsesMaxTokens = 2000;

function toMessage(item: ResponsesInputItem): ConversationMessage | null {
  if (item.type === "function_call")
    return { role: "assistant", content: toolCallText(item.name, item.arguments) };
  if (item.type === "function_call_output") return { role: "tool", content: item.output };
  if (item.type === "reasoning") return null;
  const role = item.role === "developer" ? "system" : item.role;
  if (typeof item.content === "string") return { role, content: item.content };
  const parts = item.content.map(
    (part): ConversationMessageContentPart =>
      part.type === "input_image"
        ? { type: "image_url", image_url: { url: part.image_url } }
        : { type: "text", text: part.type === "refusal" ? part.refusal : part.text },
  );
  return parts.every((part) => part.type === "text")
    ? { role, content: parts.map((part) => part.text).join("") }
    : { role, content: parts };
}

/** A responses request as ContinueFromConversationHistory params (`instructions` → a system message). */
export function toResponsesAgentParams(body: ResponsesRequest): ContinueFromConversationHistoryParams {
  const items =
    typeof body.input === "string" ? [{ role: "user" as const, content: body.input }] : body.input;
  const history = [
    ...(body.instructions ? [{ role: "system", content: body.instructions }] : []),
    ...items.flatMap((item) => toMessage(item) ?? []),
  ];
  const format = body.text?.format;
  const grammar = toGrammar(format);
  const tools = body.tool_choice === "none" ? [] : toTools(body.tools ?? []);
  const sampling = toSamplingOverrides(body);
  return checkAgentParams(
    continueFromConversationHistoryParamsSchema,
    {
      add_generation_prompt: true,
      conversation_history: history,
      enable_thinking: grammar === null && body.reasoning?.effort !== "none",
      max_tokens: body.max_output_tokens ?? defaultResponsesMaxTokens,
      ...(grammar ? { grammar } : {}),
      ...(tools.length > 0 ? { tools, parse_tool_calls: true } : {}),
      ...(sampling ? { sampling } : {}),
    },
    {
      conversation_history: "input",
      max_tokens: "max_output_tokens",
      sampling: "stop",
      grammar: "text.format",
    },
  );
}

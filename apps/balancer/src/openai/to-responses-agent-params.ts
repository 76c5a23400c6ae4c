import {
  type ContinueFromConversationHistoryParams,
  type ConversationMessage,
  type ConversationMessageContentPart,
  continueFromConversationHistoryParamsSchema,
} from "@paddler/protocol";
import { checkAgentParams } from "./check-agent-params.js";
import { resolveToolChoice } from "./forced-tools.js";
import { thinkingFromKwargs } from "./llama-cpp-extras.js";
import { toSamplingOverrides } from "./request-fields.js";
import type { ResponsesInputItem, ResponsesRequest } from "./responses-request.js";
import { untilContextEnd } from "./to-chat-agent-request.js";
import { toolCallText } from "./to-conversation-history.js";
import { toGrammar } from "./to-grammar.js";
import { toTools } from "./to-tools.js";

function toMessage(item: ResponsesInputItem): ConversationMessage | null {
  switch (item.type) {
    case "function_call":
      return { role: "assistant", content: toolCallText(item.name, item.arguments) };
    case "function_call_output":
      return {
        role: "tool",
        content:
          typeof item.output === "string" ? item.output : item.output.map((part) => part.text ?? "").join(""),
      };
    case "reasoning":
    case "item_reference":
      return null;
  }
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

/**
 * A responses request as ContinueFromConversationHistory params (`instructions` → a system
 * message); `items` is the resolved conversation (stored turns and references filled in).
 */
export function toResponsesAgentParams(
  body: ResponsesRequest,
  items: readonly ResponsesInputItem[],
): ContinueFromConversationHistoryParams {
  const history = [
    ...(body.instructions ? [{ role: "system", content: body.instructions }] : []),
    ...items.flatMap((item) => toMessage(item) ?? []),
  ];
  const choice =
    typeof body.tool_choice === "object" && body.tool_choice
      ? { name: body.tool_choice.name }
      : body.tool_choice;
  const { tools, grammar: toolGrammar } = resolveToolChoice({
    tools: toTools(body.tools ?? []),
    choice,
    parallel: body.parallel_tool_calls,
    param: { tools: "tools", choice: "tool_choice" },
  });
  const grammar =
    toolGrammar ??
    toGrammar(body.text?.format, "text.format.schema") ??
    (body.grammar ? { type: "gbnf" as const, grammar: body.grammar, root: "root" } : null);
  const sampling = toSamplingOverrides(body);
  const thinking = thinkingFromKwargs(body.chat_template_kwargs);
  return checkAgentParams(
    continueFromConversationHistoryParamsSchema,
    {
      add_generation_prompt: true,
      conversation_history: history,
      enable_thinking: grammar === null && body.reasoning?.effort !== "none" && thinking !== false,
      max_tokens: body.max_output_tokens ?? untilContextEnd,
      report_finish: true,
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

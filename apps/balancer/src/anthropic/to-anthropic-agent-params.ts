import {
  type ContinueFromConversationHistoryParams,
  type ConversationMessage,
  type ConversationMessageContentPart,
  continueFromConversationHistoryParamsSchema,
} from "@paddler/protocol";
import { checkAgentParams } from "../openai/check-agent-params.js";
import { resolveToolChoice, type ToolChoice } from "../openai/forced-tools.js";
import { toolCallText } from "../openai/to-conversation-history.js";
import { toTools } from "../openai/to-tools.js";
import type {
  AnthropicCountTokensRequest,
  AnthropicMessage,
  AnthropicMessagesRequest,
} from "./anthropic-request.js";

type Part = ConversationMessageContentPart;

function toParts(blocks: Extract<AnthropicMessage["content"], unknown[]>): Part[] {
  return blocks.flatMap((block): Part[] => {
    if (block.type === "text") return [{ type: "text", text: block.text }];
    if (block.type === "image")
      return [
        {
          type: "image_url",
          image_url: {
            url:
              block.source.type === "url"
                ? block.source.url
                : `data:${block.source.media_type};base64,${block.source.data}`,
          },
        },
      ];
    return [];
  });
}

const asContent = (parts: Part[]): ConversationMessage["content"] =>
  parts.every((part) => part.type === "text")
    ? parts.map((part) => (part as { text: string }).text).join("")
    : parts;

/** Anthropic messages as Paddler's conversation: tool results become `tool` messages in order. */
export function toAnthropicHistory(body: AnthropicCountTokensRequest): ConversationMessage[] {
  const history: ConversationMessage[] = [];
  if (body.system !== undefined)
    history.push({
      role: "system",
      content:
        typeof body.system === "string" ? body.system : body.system.map((block) => block.text).join("\n"),
    });
  for (const message of body.messages) {
    if (typeof message.content === "string") {
      history.push({ role: message.role, content: message.content });
      continue;
    }
    if (message.role === "assistant") {
      const pieces = message.content.flatMap((block) => {
        if (block.type === "text") return [block.text];
        if (block.type === "tool_use") return [toolCallText(block.name, JSON.stringify(block.input ?? {}))];
        return [];
      });
      history.push({ role: "assistant", content: pieces.filter((piece) => piece !== "").join("\n") });
      continue;
    }
    let pending: Part[] = [];
    const flush = () => {
      if (pending.length > 0) history.push({ role: "user", content: asContent(pending) });
      pending = [];
    };
    for (const block of message.content) {
      if (block.type === "tool_result") {
        flush();
        const content =
          block.content === undefined
            ? ""
            : typeof block.content === "string"
              ? block.content
              : asContent(toParts(block.content));
        history.push({
          role: "tool",
          content: typeof content === "string" && block.is_error ? `Error: ${content}` : content,
        });
      } else pending.push(...toParts([block]));
    }
    flush();
  }
  return history;
}

function toChoice(choice: AnthropicCountTokensRequest["tool_choice"]): ToolChoice {
  if (!choice) return "auto";
  if (choice.type === "any") return "required";
  if (choice.type === "tool") return { name: choice.name };
  return choice.type;
}

/** A Messages request as ContinueFromConversationHistory params (`maxTokens` 0 only counts the prompt). */
export function toAnthropicAgentParams(
  body: AnthropicCountTokensRequest & Partial<AnthropicMessagesRequest>,
  maxTokens: number,
): ContinueFromConversationHistoryParams {
  const { tools, grammar } = resolveToolChoice({
    tools: toTools((body.tools ?? []).map((tool) => ({ ...tool, parameters: tool.input_schema }))),
    choice: toChoice(body.tool_choice),
    parallel:
      body.tool_choice && "disable_parallel_tool_use" in body.tool_choice
        ? body.tool_choice.disable_parallel_tool_use === false
        : false,
    param: { tools: "tools", choice: "tool_choice" },
  });
  const sampling = {
    ...(body.temperature !== undefined ? { temperature: body.temperature } : {}),
    ...(body.top_p !== undefined ? { top_p: body.top_p } : {}),
    ...(body.top_k !== undefined ? { top_k: body.top_k } : {}),
    ...(body.stop_sequences?.some((s) => s !== "")
      ? { stop: body.stop_sequences.filter((s) => s !== "") }
      : {}),
  };
  return checkAgentParams(
    continueFromConversationHistoryParamsSchema,
    {
      add_generation_prompt: true,
      conversation_history: toAnthropicHistory(body),
      enable_thinking: grammar === null && body.thinking?.type !== "disabled",
      max_tokens: maxTokens,
      report_finish: true,
      ...(grammar ? { grammar } : {}),
      ...(tools.length > 0 ? { tools, parse_tool_calls: true } : {}),
      ...(Object.keys(sampling).length > 0 ? { sampling } : {}),
    },
    { conversation_history: "messages", sampling: "stop_sequences", max_tokens: "max_tokens" },
  );
}

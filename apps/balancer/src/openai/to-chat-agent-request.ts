import {
  type ContinueFromConversationHistoryParams,
  continueFromConversationHistoryParamsSchema,
} from "@paddler/protocol";
import type { ChatCompletionRequest } from "./chat-completion-request.js";
import { checkAgentParams } from "./check-agent-params.js";
import { toSamplingOverrides } from "./request-fields.js";
import { toConversationHistory } from "./to-conversation-history.js";
import { toGrammar } from "./to-grammar.js";
import { toTools } from "./to-tools.js";

/** Paddler's default when neither `max_completion_tokens` nor `max_tokens` is given. */
export const defaultChatMaxTokens = 2000;

/** A chat completion request as the agent's ContinueFromConversationHistory params. */
export function toChatAgentParams(body: ChatCompletionRequest): ContinueFromConversationHistoryParams {
  const format = body.response_format;
  const grammar = toGrammar(
    format?.type === "json_schema" ? { type: "json_schema", schema: format.json_schema.schema } : format,
  );
  const tools = body.tool_choice === "none" ? [] : toTools((body.tools ?? []).map((tool) => tool.function));
  const sampling = toSamplingOverrides(body);
  return checkAgentParams(
    continueFromConversationHistoryParamsSchema,
    {
      add_generation_prompt: true,
      conversation_history: toConversationHistory(body.messages),
      // The engine refuses a grammar together with thinking, and a grammar must own the whole output.
      enable_thinking: grammar === null && body.reasoning_effort !== "none",
      max_tokens: body.max_completion_tokens ?? body.max_tokens ?? defaultChatMaxTokens,
      ...(grammar ? { grammar } : {}),
      ...(tools.length > 0 ? { tools, parse_tool_calls: true } : {}),
      ...(sampling ? { sampling } : {}),
    },
    {
      conversation_history: "messages",
      max_tokens: "max_completion_tokens",
      sampling: "stop",
      grammar: "response_format",
    },
  );
}

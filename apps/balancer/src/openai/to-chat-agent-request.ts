import {
  type ContinueFromConversationHistoryParams,
  continueFromConversationHistoryParamsSchema,
} from "@paddler/protocol";
import type { ChatCompletionRequest } from "./chat-completion-request.js";
import { checkAgentParams } from "./check-agent-params.js";
import { resolveToolChoice } from "./forced-tools.js";
import { thinkingFromKwargs } from "./llama-cpp-extras.js";
import { toSamplingOverrides } from "./request-fields.js";
import { toConversationHistory } from "./to-conversation-history.js";
import { schemaGrammar, toGrammar } from "./to-grammar.js";
import { toTools } from "./to-tools.js";

/** No limit but the slot's context (the agent ends with "length" when the context is full). */
export const untilContextEnd = -1;

/** A chat completion request as the agent's ContinueFromConversationHistory params. */
export function toChatAgentParams(body: ChatCompletionRequest): ContinueFromConversationHistoryParams {
  const format = body.response_format;
  const choice =
    typeof body.tool_choice === "object" && body.tool_choice
      ? { name: body.tool_choice.function.name }
      : body.tool_choice;
  const { tools, grammar: toolGrammar } = resolveToolChoice({
    tools: toTools((body.tools ?? []).map((tool) => tool.function)),
    choice,
    parallel: body.parallel_tool_calls,
    param: { tools: "tools", choice: "tool_choice" },
  });
  const grammar =
    toolGrammar ??
    toGrammar(
      format?.type === "json_schema" ? { type: "json_schema", schema: format.json_schema.schema } : format,
      format?.type === "json_schema" ? "response_format.json_schema.schema" : "response_format.schema",
    ) ??
    (body.json_schema
      ? { type: "gbnf" as const, grammar: schemaGrammar(body.json_schema, "json_schema"), root: "root" }
      : null) ??
    (body.grammar ? { type: "gbnf" as const, grammar: body.grammar, root: "root" } : null);
  const sampling = toSamplingOverrides(body, {
    nProbs: body.logprobs ? (body.top_logprobs ?? 0) : undefined,
  });
  const thinking = thinkingFromKwargs(body.chat_template_kwargs);
  return checkAgentParams(
    continueFromConversationHistoryParamsSchema,
    {
      add_generation_prompt: true,
      conversation_history: toConversationHistory(body.messages),
      // The engine refuses a grammar together with thinking, and a grammar must own the whole output.
      enable_thinking: grammar === null && body.reasoning_effort !== "none" && thinking !== false,
      max_tokens: body.max_completion_tokens ?? body.max_tokens ?? body.n_predict ?? untilContextEnd,
      report_finish: true,
      ...(body.logprobs ? { logprobs: true } : {}),
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

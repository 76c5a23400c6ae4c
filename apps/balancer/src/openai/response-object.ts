import type { ParsedToolCall, TokenUsage } from "@paddler/protocol";
import { nanoid } from "nanoid";
import { generatedTokens } from "./finish-reason.js";
import type { OpenAIError } from "./openai-error.js";
import type { ResponsesRequest } from "./responses-request.js";
import { toolCallArguments } from "./to-openai-tool-call.js";

export type ResponseStatus = "in_progress" | "completed" | "incomplete" | "failed";
export type ItemStatus = "in_progress" | "completed" | "incomplete";

export const reasoningItem = (id: string, text: string | null, status: ItemStatus) => ({
  type: "reasoning" as const,
  id,
  summary: [],
  content: text === null ? [] : [{ type: "reasoning_text" as const, text }],
  status,
});

export const outputTextPart = (text: string) => ({
  type: "output_text" as const,
  text,
  annotations: [],
  logprobs: [],
});

export const messageItem = (id: string, text: string | null, status: ItemStatus) => ({
  type: "message" as const,
  id,
  status,
  role: "assistant" as const,
  content: text === null ? [] : [outputTextPart(text)],
});

export const functionCallItem = (id: string, call: ParsedToolCall, args: string, status: ItemStatus) => ({
  type: "function_call" as const,
  id,
  call_id: call.id,
  name: call.name,
  arguments: args,
  status,
});

export type OutputItem =
  | ReturnType<typeof reasoningItem>
  | ReturnType<typeof messageItem>
  | ReturnType<typeof functionCallItem>;

export const newItemId = (prefix: "rs" | "msg" | "fc") => `${prefix}_${nanoid()}`;

/** Paddler's usage in the responses shape. */
export function toResponsesUsage(usage: TokenUsage) {
  const output = generatedTokens(usage);
  return {
    input_tokens: usage.prompt_tokens,
    input_tokens_details: { cached_tokens: usage.cached_prompt_tokens },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: usage.reasoning_tokens },
    total_tokens: usage.prompt_tokens + output,
  };
}

/** The output items of a finished generation, in the order the model wrote them. */
export function collectedOutput(options: {
  reasoning: string;
  content: string;
  toolCalls: readonly ParsedToolCall[];
  status: ItemStatus;
}): OutputItem[] {
  const items: OutputItem[] = [];
  if (options.reasoning) items.push(reasoningItem(newItemId("rs"), options.reasoning, options.status));
  if (options.content || options.toolCalls.length === 0)
    items.push(messageItem(newItemId("msg"), options.content, options.status));
  for (const call of options.toolCalls)
    items.push(functionCallItem(newItemId("fc"), call, toolCallArguments(call), "completed"));
  return items;
}

/** Builds `response` objects that echo the request's settings, as OpenAI's do. */
export function responseObjectFactory(options: {
  id: string;
  createdAt: number;
  body: ResponsesRequest;
  maxOutputTokens: number;
}) {
  const { id, createdAt, body, maxOutputTokens } = options;
  return (state: {
    status: ResponseStatus;
    output: OutputItem[];
    usage?: TokenUsage;
    error?: OpenAIError;
  }) => ({
    id,
    object: "response" as const,
    created_at: createdAt,
    status: state.status,
    background: false,
    error: state.error ? { code: state.error.code ?? "server_error", message: state.error.message } : null,
    incomplete_details: state.status === "incomplete" ? { reason: "max_output_tokens" as const } : null,
    previous_response_id: body.previous_response_id ?? null,
    instructions: body.instructions ?? null,
    max_output_tokens: maxOutputTokens,
    model: body.model,
    output: state.output,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    reasoning: { effort: body.reasoning?.effort ?? null, summary: null },
    store: body.store !== false,
    temperature: body.temperature ?? null,
    text: { format: body.text?.format ?? { type: "text" } },
    tool_choice: body.tool_choice ?? "auto",
    tools: (body.tools ?? []).map((tool) => ({
      type: "function" as const,
      name: tool.name,
      description: tool.description ?? null,
      parameters: tool.parameters ?? null,
      strict: tool.strict ?? null,
    })),
    top_p: body.top_p ?? null,
    truncation: "disabled" as const,
    usage: state.usage ? toResponsesUsage(state.usage) : null,
    user: body.user ?? null,
    metadata: body.metadata ?? {},
  });
}
export type ResponseObjectFactory = ReturnType<typeof responseObjectFactory>;

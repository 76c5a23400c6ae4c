import type { GenerationFinished, TokenUsage } from "@paddler/protocol";

export type FinishReason = "stop" | "length" | "tool_calls";

/** Tokens the agent generated, of every kind. */
export function generatedTokens(usage: TokenUsage): number {
  return usage.content_tokens + usage.reasoning_tokens + usage.tool_call_tokens + usage.undeterminable_tokens;
}

/**
 * The agent's own reason when it reports one (max_tokens and the end of the slot's context are
 * "length"); otherwise "length" is inferred from max_tokens being reached.
 */
export function finishReason(options: {
  usage: TokenUsage;
  maxTokens: number;
  toolCalls: number;
  finished?: GenerationFinished | null | undefined;
}): FinishReason {
  if (options.toolCalls > 0) return "tool_calls";
  if (options.finished)
    return options.finished.reason === "max_tokens" || options.finished.reason === "context_end"
      ? "length"
      : "stop";
  if (options.maxTokens > 0 && generatedTokens(options.usage) >= options.maxTokens) return "length";
  return "stop";
}

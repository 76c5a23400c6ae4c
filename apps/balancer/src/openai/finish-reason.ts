import type { TokenUsage } from "@paddler/protocol";

export type FinishReason = "stop" | "length" | "tool_calls";

/** Tokens the agent generated, of every kind. */
export function generatedTokens(usage: TokenUsage): number {
  return usage.content_tokens + usage.reasoning_tokens + usage.tool_call_tokens + usage.undeterminable_tokens;
}

/**
 * Paddler's Done carries no reason, so "length" is inferred: the agent stops at max_tokens, and
 * reaching it means the output was cut (a stop string landing on the very last token reads as length).
 */
export function finishReason(options: {
  usage: TokenUsage;
  maxTokens: number;
  toolCalls: number;
}): FinishReason {
  if (options.toolCalls > 0) return "tool_calls";
  if (options.maxTokens > 0 && generatedTokens(options.usage) >= options.maxTokens) return "length";
  return "stop";
}

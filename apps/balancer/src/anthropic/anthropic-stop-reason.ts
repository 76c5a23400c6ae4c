import type { GenerationFinished } from "@paddler/protocol";

export type AnthropicStopReason =
  | "end_turn"
  | "max_tokens"
  | "stop_sequence"
  | "tool_use"
  | "model_context_window_exceeded";

/** Anthropic's stop_reason (and stop_sequence) from the agent's reason for ending. */
export function anthropicStopReason(
  finished: GenerationFinished | null,
  toolCalls: number,
): { stop_reason: AnthropicStopReason; stop_sequence: string | null } {
  if (toolCalls > 0) return { stop_reason: "tool_use", stop_sequence: null };
  switch (finished?.reason) {
    case "max_tokens":
      return { stop_reason: "max_tokens", stop_sequence: null };
    case "context_end":
      return { stop_reason: "model_context_window_exceeded", stop_sequence: null };
    case "stop_sequence":
      return { stop_reason: "stop_sequence", stop_sequence: finished.stop_sequence ?? null };
    default:
      return { stop_reason: "end_turn", stop_sequence: null };
  }
}

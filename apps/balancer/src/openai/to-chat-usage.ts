import type { TokenUsage } from "@paddler/protocol";
import { toCompletionUsage } from "./to-completion-usage.js";

/**
 * Paddler's usage in chat.completion's shape: the completions counts and their details
 * (`cached_tokens` are prompt tokens reused from the KV cache).
 */
export function toChatUsage(usage: TokenUsage) {
  return {
    ...toCompletionUsage(usage),
    prompt_tokens_details: {
      cached_tokens: usage.cached_prompt_tokens,
      audio_tokens: usage.input_audio_tokens,
    },
    completion_tokens_details: { reasoning_tokens: usage.reasoning_tokens },
  };
}

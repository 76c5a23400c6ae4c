import type { TokenUsage } from "@paddler/protocol";
import { generatedTokens } from "./finish-reason.js";

/** Paddler's usage in chat.completion's shape (`cached_tokens` are prompt tokens reused from the KV cache). */
export function toChatUsage(usage: TokenUsage) {
  const completion = generatedTokens(usage);
  return {
    prompt_tokens: usage.prompt_tokens,
    completion_tokens: completion,
    total_tokens: usage.prompt_tokens + completion,
    prompt_tokens_details: {
      cached_tokens: usage.cached_prompt_tokens,
      audio_tokens: usage.input_audio_tokens,
    },
    completion_tokens_details: { reasoning_tokens: usage.reasoning_tokens },
  };
}

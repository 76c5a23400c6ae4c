import type { TokenUsage } from "@paddler/protocol";
import { generatedTokens } from "../openai/finish-reason.js";

/** Paddler's usage in Anthropic's shape: prompt tokens reused from the KV cache are cache reads. */
export function anthropicUsage(usage: TokenUsage) {
  return {
    input_tokens: usage.prompt_tokens - usage.cached_prompt_tokens,
    output_tokens: generatedTokens(usage),
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: usage.cached_prompt_tokens,
  };
}

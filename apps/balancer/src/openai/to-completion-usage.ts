import type { TokenUsage } from "@paddler/protocol";
import { generatedTokens } from "./finish-reason.js";

/** Sums the usage of several generations (one per prompt). */
export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    prompt_tokens: a.prompt_tokens + b.prompt_tokens,
    cached_prompt_tokens: a.cached_prompt_tokens + b.cached_prompt_tokens,
    input_image_tokens: a.input_image_tokens + b.input_image_tokens,
    input_audio_tokens: a.input_audio_tokens + b.input_audio_tokens,
    content_tokens: a.content_tokens + b.content_tokens,
    reasoning_tokens: a.reasoning_tokens + b.reasoning_tokens,
    tool_call_tokens: a.tool_call_tokens + b.tool_call_tokens,
    undeterminable_tokens: a.undeterminable_tokens + b.undeterminable_tokens,
  };
}

/** Usage in the legacy completions shape. */
export function toCompletionUsage(usage: TokenUsage) {
  const completion = generatedTokens(usage);
  return {
    prompt_tokens: usage.prompt_tokens,
    completion_tokens: completion,
    total_tokens: usage.prompt_tokens + completion,
  };
}

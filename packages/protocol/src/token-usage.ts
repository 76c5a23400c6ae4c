import { z } from "zod";

const count = z.number().int().nonnegative();

export const tokenUsageSchema = z.strictObject({
  prompt_tokens: count,
  cached_prompt_tokens: count,
  input_image_tokens: count,
  input_audio_tokens: count,
  content_tokens: count,
  reasoning_tokens: count,
  tool_call_tokens: count,
  undeterminable_tokens: count,
});
export type TokenUsage = z.infer<typeof tokenUsageSchema>;

export function emptyTokenUsage(): TokenUsage {
  return {
    prompt_tokens: 0,
    cached_prompt_tokens: 0,
    input_image_tokens: 0,
    input_audio_tokens: 0,
    content_tokens: 0,
    reasoning_tokens: 0,
    tool_call_tokens: 0,
    undeterminable_tokens: 0,
  };
}

import type { TokenUsage } from "@paddler/protocol";
import { addUsage } from "./to-completion-usage.js";

/** Usage of `n` choices of one prompt: the prompt counts once, every choice's output counts. */
export function addChoiceUsage(total: TokenUsage | null, choice: TokenUsage): TokenUsage {
  if (total === null) return choice;
  return {
    ...addUsage(total, choice),
    prompt_tokens: total.prompt_tokens,
    cached_prompt_tokens: total.cached_prompt_tokens,
    input_image_tokens: total.input_image_tokens,
    input_audio_tokens: total.input_audio_tokens,
  };
}

import type { TokenLogprobs } from "@paddler/protocol";

/** Token logprobs in chat.completion's `choices[].logprobs` shape. */
export function chatLogprobs(entries: readonly TokenLogprobs[]) {
  return { content: entries.map((entry) => ({ ...entry })), refusal: null };
}

import type { TokenLogprobs } from "@paddler/protocol";

/** Token logprobs in the legacy completions shape (`tokens`, `token_logprobs`, `top_logprobs`, `text_offset`). */
export function completionLogprobs(entries: readonly TokenLogprobs[], offset: number) {
  const textOffset: number[] = [];
  let at = offset;
  for (const entry of entries) {
    textOffset.push(at);
    at += entry.token.length;
  }
  return {
    tokens: entries.map((entry) => entry.token),
    token_logprobs: entries.map((entry) => entry.logprob),
    top_logprobs: entries.map((entry) =>
      Object.fromEntries(entry.top_logprobs.map((top) => [top.token, top.logprob])),
    ),
    text_offset: textOffset,
  };
}

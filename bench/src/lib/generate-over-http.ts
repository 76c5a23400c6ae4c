import type { GenerationOutcome } from "./agent-driver.js";

/**
 * One native-API generation through the balancer (`continue_from_raw_prompt`), read as NDJSON.
 * The first ContentToken line gives the time to first token, Done's usage the token count.
 */
export async function generateOverHttp(options: {
  inferenceUrl: string;
  rawPrompt: string;
  maxTokens: number;
}): Promise<GenerationOutcome> {
  const sentAt = performance.now();
  const response = await fetch(`${options.inferenceUrl}/api/v1/continue_from_raw_prompt`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ raw_prompt: options.rawPrompt, max_tokens: options.maxTokens }),
  });
  if (!response.ok || !response.body) throw new Error(`balancer answered ${response.status}`);
  let firstTokenMs = Number.NaN;
  let contentTokens = 0;
  let buffered = "";
  const decoder = new TextDecoder();
  const reader = response.body.getReader();
  for (;;) {
    const { done: ended, value: part } = await reader.read();
    if (ended) break;
    buffered += decoder.decode(part, { stream: true });
    if (Number.isNaN(firstTokenMs) && buffered.includes('"ContentToken"'))
      firstTokenMs = performance.now() - sentAt;
    const done = /"content_tokens":(\d+)/.exec(buffered);
    if (done) contentTokens = Number(done[1]);
    buffered = buffered.slice(Math.max(0, buffered.lastIndexOf("\n")));
  }
  return { firstTokenMs, totalMs: performance.now() - sentAt, contentTokens };
}

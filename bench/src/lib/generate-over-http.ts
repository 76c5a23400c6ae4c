import { request } from "node:http";
import type { GenerationOutcome } from "./agent-driver.js";
import { keepAliveAgent } from "./post-text.js";

/**
 * One native-API generation through the balancer (`continue_from_raw_prompt`), read as NDJSON.
 * The first ContentToken line gives the time to first token, Done's usage the token count. Over
 * node:http (see post-text.ts), as the added-latency bench's direct path is a plain `ws` client.
 */
export function generateOverHttp(options: {
  inferenceUrl: string;
  rawPrompt: string;
  maxTokens: number;
}): Promise<GenerationOutcome> {
  const body = JSON.stringify({ raw_prompt: options.rawPrompt, max_tokens: options.maxTokens });
  const sentAt = performance.now();
  return new Promise((resolve, reject) => {
    const outgoing = request(
      `${options.inferenceUrl}/api/v1/continue_from_raw_prompt`,
      {
        method: "POST",
        agent: keepAliveAgent,
        headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) },
      },
      (response) => {
        if (response.statusCode !== 200) {
          response.resume();
          reject(new Error(`balancer answered ${response.statusCode}`));
          return;
        }
        let firstTokenMs = Number.NaN;
        let contentTokens = 0;
        let buffered = "";
        response.setEncoding("utf8");
        response.on("data", (part: string) => {
          buffered += part;
          if (Number.isNaN(firstTokenMs) && buffered.includes('"ContentToken"'))
            firstTokenMs = performance.now() - sentAt;
          const done = /"content_tokens":(\d+)/.exec(buffered);
          if (done) contentTokens = Number(done[1]);
          buffered = buffered.slice(Math.max(0, buffered.lastIndexOf("\n")));
        });
        response.on("end", () =>
          resolve({ firstTokenMs, totalMs: performance.now() - sentAt, contentTokens }),
        );
        response.on("error", reject);
      },
    );
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

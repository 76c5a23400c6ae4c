import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";

export interface DirectBackendOptions {
  /** Tokens per completion (the "16-token streams" of issue 9) when the body names none. */
  tokens: number;
  /**
   * Same pacing rule as the agent's synthetic engine (sleep to each token's due time), so the
   * only difference between "direct" and "balancer + synthetic agent" is what sits in between.
   */
  tokensPerSecond: number;
}

const words = ["Once", " upon", " a", " time", ","];

function chunk(id: string, created: number, delta: Record<string, string>, finish: string | null): string {
  return `data: ${JSON.stringify({
    id,
    object: "chat.completion.chunk",
    created,
    model: "bench",
    choices: [{ index: 0, delta, finish_reason: finish }],
  })}\n\n`;
}

/**
 * A stand-in for an OpenAI-compatible server: POST /v1/chat/completions answers with `tokens`
 * SSE chunks (`stream: true`) or one chat.completion JSON body, without a model.
 */
export function createDirectBackend({
  tokens: defaultTokens,
  tokensPerSecond,
}: DirectBackendOptions): Server {
  const intervalMs = 1000 / tokensPerSecond;
  let counter = 0;

  async function respond(request: IncomingMessage, response: ServerResponse, body: string) {
    if (request.method !== "POST" || request.url !== "/v1/chat/completions") {
      response.writeHead(request.url === "/health" ? 200 : 404).end("OK");
      return;
    }
    const parsed = JSON.parse(body) as { stream?: boolean; max_completion_tokens?: number };
    const stream = parsed.stream === true;
    // The body's token count when it names one (the token-cost bench streams 16 and 256).
    const tokens =
      typeof parsed.max_completion_tokens === "number" ? parsed.max_completion_tokens : defaultTokens;
    const id = `chatcmpl-${++counter}`;
    const created = Math.floor(Date.now() / 1000);
    const started = performance.now();
    const dueIn = (index: number) => Math.max(0, started + (index + 1) * intervalMs - performance.now());
    if (stream) {
      response.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-cache" });
      for (let index = 0; index < tokens; index++) {
        await sleep(dueIn(index));
        const delta: Record<string, string> = { content: words[index % words.length] ?? "" };
        if (index === 0) delta.role = "assistant";
        response.write(chunk(id, created, delta, null));
      }
      response.end(`${chunk(id, created, {}, "stop")}data: [DONE]\n\n`);
      return;
    }
    let content = "";
    for (let index = 0; index < tokens; index++) {
      await sleep(dueIn(index));
      content += words[index % words.length] ?? "";
    }
    response.writeHead(200, { "Content-Type": "application/json" });
    response.end(
      JSON.stringify({
        id,
        object: "chat.completion",
        created,
        model: "bench",
        choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
        usage: { prompt_tokens: 1, completion_tokens: tokens, total_tokens: tokens + 1 },
      }),
    );
  }

  return createServer((request, response) => {
    const parts: Buffer[] = [];
    request.on("data", (part: Buffer) => parts.push(part));
    request.on("end", () => {
      respond(request, response, Buffer.concat(parts).toString("utf8") || "{}").catch(() =>
        response.destroy(),
      );
    });
  });
}

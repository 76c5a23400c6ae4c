import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

// Test support only: a small OpenAI-compatible server for what a real llama-server cannot be made
// to show (an API key, a server with no slots of its own, a server that goes away and comes back).
// Nothing here is used outside *.test.ts.

export interface TestOpenAIUpstream {
  readonly rootUrl: string;
  readonly port: number;
  /** Requests generating right now, and the most ever at once. */
  readonly inFlight: number;
  readonly maxInFlight: number;
  /** Generation requests whose client hung up before the end. */
  readonly abandoned: number;
  /** Bodies of the generation requests received, in order. */
  readonly bodies: Record<string, unknown>[];
  /** Stops listening (and cuts running streams); `start` listens again on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

export interface TestOpenAIUpstreamOptions {
  /** Required as `Authorization: Bearer <key>` when set. */
  apiKey?: string;
  model?: string;
  /** Delay between streamed tokens. */
  tokenDelayMs?: number;
}

async function readBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>;
}

export async function startTestOpenAIUpstream(
  options: TestOpenAIUpstreamOptions = {},
): Promise<TestOpenAIUpstream> {
  const model = options.model ?? "test-model";
  const tokenDelayMs = options.tokenDelayMs ?? 5;
  let inFlight = 0;
  let maxInFlight = 0;
  let abandoned = 0;
  const bodies: Record<string, unknown>[] = [];
  const sockets = new Set<import("node:net").Socket>();

  async function handle(request: IncomingMessage, response: ServerResponse) {
    if (options.apiKey && request.headers.authorization !== `Bearer ${options.apiKey}`) {
      response.writeHead(401, { "content-type": "application/json" });
      response.end(
        JSON.stringify({ error: { message: "Incorrect API key provided", type: "invalid_request_error" } }),
      );
      return;
    }
    if (request.method === "GET" && request.url === "/v1/models") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(
        JSON.stringify({ object: "list", data: [{ id: model, object: "model", owned_by: "test" }] }),
      );
      return;
    }
    const chat = request.url === "/v1/chat/completions";
    if (request.method !== "POST" || (!chat && request.url !== "/v1/completions")) {
      response.writeHead(404, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: { message: `no route ${request.url}` } }));
      return;
    }
    const body = await readBody(request);
    bodies.push(body);
    const maxTokens = typeof body.max_tokens === "number" ? body.max_tokens : 16;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    let finished = false;
    response.once("close", () => {
      inFlight--;
      if (!finished) abandoned++;
    });
    response.writeHead(200, { "content-type": "text/event-stream" });
    for (let index = 0; index < maxTokens && !response.destroyed; index++) {
      await new Promise((resolve) => setTimeout(resolve, tokenDelayMs));
      const text = ` t${index}`;
      const choice = chat ? { index: 0, delta: { content: text } } : { index: 0, text };
      response.write(`data: ${JSON.stringify({ object: "chunk", model, choices: [choice] })}\n\n`);
    }
    if (response.destroyed) return;
    response.write(
      `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 3, completion_tokens: maxTokens, total_tokens: 3 + maxTokens } })}\n\n`,
    );
    finished = true;
    response.end("data: [DONE]\n\n");
  }

  let server: Server | null = null;
  let port = 0;
  const upstream: TestOpenAIUpstream = {
    get rootUrl() {
      return `http://127.0.0.1:${port}`;
    },
    get port() {
      return port;
    },
    get inFlight() {
      return inFlight;
    },
    get maxInFlight() {
      return maxInFlight;
    },
    get abandoned() {
      return abandoned;
    },
    bodies,
    async start() {
      const started = createServer((request, response) => {
        handle(request, response).catch(() => response.destroy());
      });
      started.on("connection", (socket) => {
        sockets.add(socket);
        socket.once("close", () => sockets.delete(socket));
      });
      await new Promise<void>((resolve) => started.listen(port, "127.0.0.1", resolve));
      port = (started.address() as AddressInfo).port;
      server = started;
    },
    async stop() {
      const current = server;
      server = null;
      if (!current) return;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => current.close(() => resolve()));
    },
  };
  await upstream.start();
  return upstream;
}

import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UpstreamRequestContext } from "../../engine/upstream-adapter.js";
import { createLlamaServerAdapter } from "./llama-server-adapter.js";

const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

// A stand-in that answers each of llama-server's endpoints the adapter calls in its shape, and
// keeps the headers each request came with.
describe("llama-server adapter: trace context on every request upstream", () => {
  const received: { path: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((request, response) => {
    request.resume();
    request.on("end", () => {
      received.push({ path: request.url ?? "", headers: request.headers });
      if (request.url === "/v1/embeddings") {
        response.writeHead(200, { "content-type": "application/json" });
        response.end(JSON.stringify({ data: [{ index: 0, embedding: [1, 0] }] }));
        return;
      }
      response.writeHead(200, { "content-type": "text/event-stream" });
      if (request.url === "/completion") {
        response.write(`data: ${JSON.stringify({ content: "hi", stop: false })}\n\n`);
        response.end(`data: ${JSON.stringify({ content: "", stop: true, tokens_predicted: 1 })}\n\n`);
        return;
      }
      response.write(
        `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: "hi" }, finish_reason: "stop" }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } })}\n\n`,
      );
      response.end("data: [DONE]\n\n");
    });
  });
  let rootUrl = "";

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    rootUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function runAll(traceHeaders: Record<string, string>) {
    received.length = 0;
    const adapter = createLlamaServerAdapter({ rootUrl, kind: "LlamaServerExternal" });
    const context: UpstreamRequestContext = { slot: 0, desiredState: null, traceHeaders };
    const signal = new AbortController().signal;
    for await (const _ of adapter.continueFromRawPrompt({ raw_prompt: "x", max_tokens: 1 }, context, signal));
    for await (const _ of adapter.continueFromConversationHistory(
      {
        add_generation_prompt: true,
        conversation_history: [{ role: "user", content: "hi" }],
        enable_thinking: false,
        max_tokens: 1,
      },
      context,
      signal,
    ));
    for await (const _ of adapter.generateEmbeddingBatch(
      { input_batch: [{ id: "a", content: "hi" }], normalization_method: "None" },
      context,
      signal,
    ));
    return received.map((entry) => entry.path);
  }

  it("sends traceparent and tracestate on completions, chat completions and embeddings", async () => {
    const paths = await runAll({ traceparent, tracestate: "paddler=1" });
    expect(paths).toEqual(["/completion", "/v1/chat/completions", "/v1/embeddings"]);
    for (const entry of received) {
      expect(entry.headers.traceparent, entry.path).toBe(traceparent);
      expect(entry.headers.tracestate, entry.path).toBe("paddler=1");
    }
  });

  it("sends none while tracing is off", async () => {
    await runAll({});
    expect(received).toHaveLength(3);
    for (const entry of received) expect(entry.headers.traceparent, entry.path).toBeUndefined();
  });
});

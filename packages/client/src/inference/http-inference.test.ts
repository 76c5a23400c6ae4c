import type { ServerResponse } from "node:http";
import type { ContinueFromConversationHistoryParams, InferenceClientMessage } from "@paddler/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { collectEmbeddings } from "../collect-embeddings.js";
import { createPaddlerClient } from "../create-paddler-client.js";
import { PaddlerError } from "../errors.js";
import { type HttpTestServer, readBody, startHttpTestServer } from "../testing/http-test-server.js";
import { contentToken, done, inBandError } from "../testing/messages.js";

const params: ContinueFromConversationHistoryParams = {
  add_generation_prompt: true,
  conversation_history: [{ role: "user", content: "Hi" }],
  enable_thinking: false,
  max_tokens: 8,
};

let server: HttpTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function writeNdjson(response: ServerResponse, messages: unknown[]) {
  response.writeHead(200, { "Content-Type": "application/json" });
  for (const message of messages) response.write(`${JSON.stringify(message)}\n`);
  response.end();
}

async function errorOf(promise: Promise<unknown>): Promise<PaddlerError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(PaddlerError);
  return error as PaddlerError;
}

describe("inference over HTTP", () => {
  it("streams typed NDJSON messages and sends params, headers and the API key", async () => {
    const seen: { url?: string; body?: unknown; authorization?: string; custom?: string } = {};
    server = await startHttpTestServer(async (request, response) => {
      seen.url = request.url;
      seen.authorization = request.headers.authorization;
      seen.custom = request.headers["x-custom"] as string;
      seen.body = await readBody(request);
      // Split one line across two writes, and use CRLF, to exercise the line reader.
      response.writeHead(200, { "Content-Type": "application/json" });
      const first = JSON.stringify(contentToken("r1", "Hel"));
      response.write(first.slice(0, 10));
      setTimeout(() => {
        response.write(`${first.slice(10)}\r\n${JSON.stringify(contentToken("r1", "lo"))}\n\n`);
        response.end(`${JSON.stringify(done("r1"))}\n`);
      }, 10);
    });
    const client = createPaddlerClient({
      inferenceUrl: `${server.url}/`,
      apiKey: "k",
      headers: { "x-custom": "1" },
    });
    const messages: InferenceClientMessage[] = [];
    for await (const message of client.inference.continueFromConversationHistory(params))
      messages.push(message);
    expect(messages).toEqual([contentToken("r1", "Hel"), contentToken("r1", "lo"), done("r1")]);
    expect(seen).toEqual({
      url: "/api/v1/continue_from_conversation_history",
      body: params,
      authorization: "Bearer k",
      custom: "1",
    });
  });

  it("collects text with .text() and throws the in-band error as a PaddlerError", async () => {
    server = await startHttpTestServer((request, response) => {
      if (request.url === "/api/v1/continue_from_raw_prompt") {
        writeNdjson(response, [contentToken("a", "x"), contentToken("a", "y"), done("a")]);
      } else {
        writeNdjson(response, [
          contentToken("b", "x"),
          inBandError("b", 504, "Waiting for available slot timed out"),
        ]);
      }
    });
    const client = createPaddlerClient({ inferenceUrl: server.url });
    await expect(
      client.inference.continueFromRawPrompt({ raw_prompt: "p", max_tokens: 2 }).text(),
    ).resolves.toBe("xy");
    const error = await errorOf(client.inference.continueFromConversationHistory(params).text());
    expect(error).toMatchObject({ code: "inference_error", status: 504 });
    expect(error.message).toContain("Waiting for available slot timed out");
  });

  it("closes the HTTP request when the signal aborts", async () => {
    let closed!: () => void;
    const serverSawClose = new Promise<void>((resolve) => {
      closed = resolve;
    });
    server = await startHttpTestServer((_request, response) => {
      response.writeHead(200, { "Content-Type": "application/json" });
      response.write(`${JSON.stringify(contentToken("r", "a"))}\n`);
      response.on("close", closed);
    });
    const controller = new AbortController();
    const client = createPaddlerClient({ inferenceUrl: server.url });
    const stream = client.inference.continueFromConversationHistory(params, { signal: controller.signal });
    const received: InferenceClientMessage[] = [];
    const error = await errorOf(
      (async () => {
        for await (const message of stream) {
          received.push(message);
          controller.abort();
        }
      })(),
    );
    expect(error.code).toBe("aborted");
    expect(received).toHaveLength(1);
    await serverSawClose;
  });

  it("closes the HTTP request when the loop is left early", async () => {
    let closed!: () => void;
    const serverSawClose = new Promise<void>((resolve) => {
      closed = resolve;
    });
    server = await startHttpTestServer((_request, response) => {
      response.writeHead(200, { "Content-Type": "application/json" });
      response.write(`${JSON.stringify(contentToken("r", "a"))}\n`);
      response.on("close", closed);
    });
    const client = createPaddlerClient({ inferenceUrl: server.url });
    for await (const _message of client.inference.continueFromConversationHistory(params)) break;
    await serverSawClose;
  });

  it("throws a PaddlerError with status, url and parsed body on a 4xx/5xx", async () => {
    server = await startHttpTestServer((_request, response) => {
      response.writeHead(501, { "Content-Type": "application/json" });
      response.end(
        JSON.stringify({
          error: "Token generation is disabled while the cluster is configured for embeddings",
        }),
      );
    });
    const client = createPaddlerClient({ inferenceUrl: server.url });
    const error = await errorOf(client.inference.continueFromConversationHistory(params).text());
    expect(error).toMatchObject({
      name: "PaddlerError",
      code: "http_error",
      status: 501,
      url: `${server.url}/api/v1/continue_from_conversation_history`,
      body: { error: "Token generation is disabled while the cluster is configured for embeddings" },
    });
    expect(error.message).toContain("Token generation is disabled");
  });

  it("reports a malformed line as invalid_response", async () => {
    server = await startHttpTestServer((_request, response) => {
      writeNdjson(response, [contentToken("r", "a"), { Response: { nope: true } }]);
    });
    const client = createPaddlerClient({ inferenceUrl: server.url });
    const error = await errorOf(client.inference.continueFromConversationHistory(params).text());
    expect(error.code).toBe("invalid_response");
    expect(error.body).toEqual({ Response: { nope: true } });
  });

  it("refuses invalid params before sending anything", async () => {
    let hits = 0;
    server = await startHttpTestServer((_request, response) => {
      hits += 1;
      response.end();
    });
    const client = createPaddlerClient({ inferenceUrl: server.url });
    const bad = { ...params, max_tokens: "8" } as unknown as ContinueFromConversationHistoryParams;
    const error = await errorOf(client.inference.continueFromConversationHistory(bad).text());
    expect(error.code).toBe("invalid_request");
    expect(error.message).toContain("max_tokens");
    expect(hits).toBe(0);
  });

  it("reports an unreachable server as network_error", async () => {
    server = await startHttpTestServer(() => undefined);
    const url = server.url;
    await server.close();
    server = undefined;
    const client = createPaddlerClient({ inferenceUrl: url });
    const error = await errorOf(client.inference.health());
    expect(error.code).toBe("network_error");
  });

  it("streams and collects an embedding batch", async () => {
    const embedding = (id: string) => ({
      Response: {
        generated_by: "agent-1",
        request_id: "c1",
        response: {
          Embedding: {
            Embedding: {
              embedding: [0.6, 0.8],
              normalization_method: "L2",
              pooling_type: "Mean",
              source_document_id: id,
            },
          },
        },
      },
    });
    server = await startHttpTestServer(async (request, response) => {
      expect(request.url).toBe("/api/v1/generate_embedding_batch");
      await readBody(request);
      writeNdjson(response, [
        embedding("d2"),
        embedding("d1"),
        { Response: { generated_by: null, request_id: "final", response: { Embedding: "Done" } } },
      ]);
    });
    const client = createPaddlerClient({ inferenceUrl: server.url });
    const embeddings = await collectEmbeddings(
      client.inference.generateEmbeddingBatch({
        input_batch: [
          { id: "d1", content: "a" },
          { id: "d2", content: "b" },
        ],
        normalization_method: "L2",
      }),
    );
    expect(embeddings.map((item) => item.source_document_id)).toEqual(["d2", "d1"]);
  });
});

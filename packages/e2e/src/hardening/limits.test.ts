import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { readNdjson } from "../ndjson.js";
import { startTestCluster, type TestCluster } from "../test-cluster.js";

let cluster: TestCluster;
let openaiUrl: string;

const LIMITS = {
  maxRequestBodyBytes: 4096,
  maxPromptChars: 100,
  maxConversationMessages: 3,
  maxEmbeddingDocuments: 2,
  maxWebSocketFrameBytes: 2048,
  maxWebSocketConnections: 2,
  requestTimeoutMs: 1500,
  requestHeadersTimeoutMs: 1000,
};

beforeAll(async () => {
  cluster = await startTestCluster({
    balancer: { compatOpenaiAddr: { host: "127.0.0.1", port: 0 }, ...LIMITS },
    agents: [{ slots: 1 }],
  });
  await cluster.waitForSlots(1);
  openaiUrl = `http://${cluster.balancer.addresses.compatOpenai}`;
});

afterAll(() => cluster.close());

const post = (url: string, body: unknown) =>
  fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

const history = (messages: number, chars: number) => ({
  add_generation_prompt: true,
  enable_thinking: false,
  max_tokens: 2,
  conversation_history: Array.from({ length: messages }, () => ({
    role: "user",
    content: "x".repeat(Math.ceil(chars / messages)),
  })),
});

async function openSocket(url: string): Promise<WebSocket> {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => {
    socket.once("open", resolve);
    socket.once("error", reject);
  });
  return socket;
}

describe("request body size", () => {
  it("answers 413 naming the limit on every service, with or without a content length", async () => {
    const big = JSON.stringify({ raw_prompt: "x".repeat(5000), max_tokens: 1 });
    const native = await post(`${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`, big);
    expect(native.status).toBe(413);
    expect(await native.json()).toEqual({
      error: { code: "payload_too_large", message: "Request body is larger than the limit of 4096 bytes" },
    });
    const chunked = await fetch(`${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: new Blob([big]).stream(),
      duplex: "half",
    } as RequestInit);
    expect(chunked.status).toBe(413);
    const management = await fetch(`${cluster.managementUrl}/api/v1/balancer_desired_state`, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: big,
    });
    expect(management.status).toBe(413);
    const openai = await post(`${openaiUrl}/v1/chat/completions`, {
      model: "m",
      messages: [{ role: "user", content: "x".repeat(5000) }],
    });
    expect(openai.status).toBe(413);
    expect(await openai.json()).toMatchObject({
      error: {
        message: "Request body is larger than the limit of 4096 bytes",
        type: "invalid_request_error",
      },
    });
  });
});

describe("prompt, conversation and batch limits", () => {
  it("answers 400 naming the field for a long raw prompt, a long or wordy conversation, a big batch", async () => {
    const rawPrompt = await post(`${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`, {
      raw_prompt: "x".repeat(101),
      max_tokens: 1,
    });
    expect(rawPrompt.status).toBe(400);
    expect(await rawPrompt.json()).toMatchObject({
      error: {
        code: "invalid_request",
        field: "raw_prompt",
        reason: "is 101 characters long; the limit is 100",
      },
    });
    const messages = await post(
      `${cluster.inferenceUrl}/api/v1/continue_from_conversation_history`,
      history(4, 4),
    );
    expect(messages.status).toBe(400);
    expect(await messages.json()).toMatchObject({
      error: { field: "conversation_history", reason: "has 4 messages; the limit is 3" },
    });
    const chars = await post(
      `${cluster.inferenceUrl}/api/v1/continue_from_conversation_history`,
      history(2, 120),
    );
    expect(chars.status).toBe(400);
    expect(await chars.json()).toMatchObject({ error: { field: "conversation_history" } });
    const batch = await post(`${cluster.inferenceUrl}/api/v1/generate_embedding_batch`, {
      input_batch: [1, 2, 3].map((id) => ({ id: String(id), content: "doc" })),
      normalization_method: "None",
    });
    expect(batch.status).toBe(400);
    expect(await batch.json()).toMatchObject({
      error: { field: "input_batch", reason: "has 3 documents; the limit is 2" },
    });
  });

  it("the OpenAI embeddings route counts the whole batch, not its chunks", async () => {
    const response = await post(`${openaiUrl}/v1/embeddings`, { model: "m", input: ["a", "b", "c"] });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: {
        param: "input",
        message: "input has 3 documents; the limit is 2",
        type: "invalid_request_error",
      },
    });
  });

  it("the OpenAI service answers 400 in its shape; the socket answers Error 400 for that id", async () => {
    const openai = await post(`${openaiUrl}/v1/chat/completions`, {
      model: "m",
      messages: [{ role: "user", content: "x".repeat(150) }],
      max_tokens: 2,
    });
    expect(openai.status).toBe(400);
    expect(((await openai.json()) as { error: { message: string } }).error.message).toContain(
      "the limit is 100",
    );
    const socket = await openSocket(`ws://${cluster.balancer.addresses.inference}/api/v1/inference_socket`);
    const reply = new Promise<string>((resolve) => socket.once("message", (data) => resolve(String(data))));
    socket.send(
      JSON.stringify({
        Request: {
          id: "long",
          request: { ContinueFromRawPrompt: { raw_prompt: "x".repeat(101), max_tokens: 1 } },
        },
      }),
    );
    expect(JSON.parse(await reply)).toEqual({
      Error: {
        request_id: "long",
        error: {
          code: 400,
          description: "Invalid request parameters: raw_prompt: is 101 characters long; the limit is 100",
        },
      },
    });
    socket.close();
  });

  it("requests within the limits are served", async () => {
    const response = await post(`${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`, {
      raw_prompt: "Lily",
      max_tokens: 3,
    });
    expect(response.status).toBe(200);
    expect((await readNdjson(response)).at(-1)).toMatchObject({
      Response: { response: { GeneratedToken: { Done: {} } } },
    });
  });
});

describe("WebSocket limits", () => {
  it("closes a socket that sends a frame over the limit with 1009", async () => {
    const socket = await openSocket(`ws://${cluster.balancer.addresses.inference}/api/v1/inference_socket`);
    const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));
    socket.send("x".repeat(3000));
    expect(await closed).toBe(1009);
  });

  it("refuses sockets over the cap with 503, and takes new ones once others close", async () => {
    const url = `ws://${cluster.balancer.addresses.inference}/api/v1/inference_socket`;
    const open = [await openSocket(url), await openSocket(url)];
    const refused = await new Promise<number>((resolve) => {
      const socket = new WebSocket(url);
      socket.once("unexpected-response", (_request, response) => {
        resolve(response.statusCode ?? 0);
        socket.terminate();
      });
      socket.once("open", () => resolve(101));
      socket.once("error", () => {});
    });
    expect(refused).toBe(503);
    for (const socket of open) socket.close();
    await new Promise((resolve) => setTimeout(resolve, 0));
    let reopened: WebSocket | null = null;
    for (let attempt = 0; attempt < 50 && reopened === null; attempt++) {
      reopened = await openSocket(url).catch(async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        return null;
      });
    }
    expect(reopened).not.toBeNull();
    reopened?.close();
  });
});

describe("slow and stalled clients", () => {
  /** Opens a raw connection, sends `data`, and resolves with what the server says before closing. */
  function stall(port: number, data: string): Promise<string> {
    return new Promise((resolve) => {
      const socket = connect(port, "127.0.0.1", () => socket.write(data));
      let received = "";
      socket.on("data", (chunk) => {
        received += chunk.toString();
      });
      socket.on("close", () => resolve(received));
      socket.on("error", () => {});
    });
  }

  it("drops a client that never finishes its headers or its body, holding no slot meanwhile", async () => {
    const port = Number(cluster.balancer.addresses.inference?.split(":").at(-1));
    const headersStalled = stall(port, "POST /api/v1/continue_from_raw_prompt HTTP/1.1\r\nHost: x\r\n");
    const bodyStalled = stall(
      port,
      'POST /api/v1/continue_from_raw_prompt HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{"raw_',
    );
    // Others are served while those two hang.
    const served = await post(`${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`, {
      raw_prompt: "Lily",
      max_tokens: 2,
    });
    expect(served.status).toBe(200);
    await served.text();
    expect((await cluster.agentsSnapshot()).agents[0]?.slots_processing).toBe(0);
    expect(await headersStalled).toContain("408");
    expect(await bodyStalled).toContain("408");
  });
});

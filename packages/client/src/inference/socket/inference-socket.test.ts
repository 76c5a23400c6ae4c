import type {
  ContinueFromConversationHistoryParams,
  InferenceClientMessage,
  TokenGenerationModeNotification,
} from "@paddler/protocol";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { createPaddlerClient, type PaddlerClient } from "../../create-paddler-client.js";
import { PaddlerError } from "../../errors.js";
import { contentToken, done } from "../../testing/messages.js";
import { startWsTestServer, type WsTestServer } from "../../testing/ws-test-server.js";

const params: ContinueFromConversationHistoryParams = {
  add_generation_prompt: true,
  conversation_history: [{ role: "user", content: "Hi" }],
  enable_thinking: false,
  max_tokens: 8,
};

let server: WsTestServer | undefined;
let client: PaddlerClient | undefined;
afterEach(async () => {
  client?.close();
  await server?.close();
  client = undefined;
  server = undefined;
});

function connect(url: string, extra: Parameters<typeof createPaddlerClient>[0] = {}) {
  client = createPaddlerClient({
    inferenceUrl: url,
    WebSocket,
    reconnect: { initialDelayMs: 20, maxDelayMs: 50 },
    ...extra,
  });
  return client;
}

function requestFrame(frame: unknown): { id: string; request: unknown } {
  const envelope = (frame as { Request?: { id: string; request: unknown } }).Request;
  if (!envelope) throw new Error(`not a request frame: ${JSON.stringify(frame)}`);
  return envelope;
}

async function collect(stream: AsyncIterable<InferenceClientMessage>) {
  const messages: InferenceClientMessage[] = [];
  for await (const message of stream) messages.push(message);
  return messages;
}

describe("inference socket", () => {
  it("multiplexes three requests over one socket, routing interleaved frames by id", async () => {
    server = await startWsTestServer();
    const { inference } = connect(server.url, { apiKey: "secret" });
    const streams = ["a", "b", "c"].map((text) =>
      collect(inference.socket.continueFromRawPrompt({ raw_prompt: text, max_tokens: 4 })),
    );
    const requests = [];
    for (let index = 0; index < 3; index += 1) requests.push(await server.nextFrame());
    const ids = requests.map(({ frame }) => requestFrame(frame).id);
    expect(new Set(ids).size).toBe(3);
    // Interleave: one token for each, in reverse order, then Done for each.
    for (const { socket, frame } of [...requests].reverse()) {
      const { id, request } = requestFrame(frame);
      const prompt = (request as { ContinueFromRawPrompt: { raw_prompt: string } }).ContinueFromRawPrompt
        .raw_prompt;
      socket.send(JSON.stringify(contentToken(id, prompt.toUpperCase())));
    }
    for (const { socket, frame } of requests) socket.send(JSON.stringify(done(requestFrame(frame).id)));
    const results = await Promise.all(streams);
    expect(results.map((messages) => messages.length)).toEqual([2, 2, 2]);
    expect(results.map(([first]) => JSON.stringify(first))).toEqual(
      ids.map((id, index) => JSON.stringify(contentToken(id, ["A", "B", "C"][index] ?? ""))),
    );
    expect(server.connections).toHaveLength(1);
    expect(server.connections[0]?.path).toBe("/api/v1/inference_socket?access_token=secret");
  });

  it("sends StopRespondingTo when the signal aborts, and fails the stream with code aborted", async () => {
    server = await startWsTestServer();
    const { inference } = connect(server.url);
    const controller = new AbortController();
    const stream = inference.socket.continueFromConversationHistory(params, {
      signal: controller.signal,
      id: "my-id",
    });
    const outcome = (async () => {
      for await (const _message of stream) controller.abort();
    })().then(
      () => undefined,
      (error: unknown) => error,
    );
    const { socket, frame } = await server.nextFrame();
    expect(frame).toEqual({ Request: { id: "my-id", request: { ContinueFromConversationHistory: params } } });
    socket.send(JSON.stringify(contentToken("my-id", "x")));
    expect(await server.nextFrame()).toMatchObject({
      frame: { Notification: { StopRespondingTo: "my-id" } },
    });
    expect(await outcome).toMatchObject({ name: "PaddlerError", code: "aborted" });
  });

  it("fails in-flight requests with socket_closed when the socket drops, and reconnects for the next", async () => {
    server = await startWsTestServer();
    const { inference } = connect(server.url);
    const inFlight = inference.socket.continueFromRawPrompt({ raw_prompt: "a", max_tokens: 4 }).text();
    const { socket } = await server.nextFrame();
    socket.terminate();
    const error = await inFlight.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(PaddlerError);
    expect(error).toMatchObject({ code: "socket_closed" });

    const next = inference.socket.continueFromRawPrompt({ raw_prompt: "b", max_tokens: 4 }).text();
    const second = await server.nextFrame();
    const { id } = requestFrame(second.frame);
    second.socket.send(JSON.stringify(contentToken(id, "ok")));
    second.socket.send(JSON.stringify(done(id)));
    await expect(next).resolves.toBe("ok");
    expect(server.connections).toHaveLength(2);
  });

  it("fails a request whose frame is malformed with invalid_response", async () => {
    server = await startWsTestServer();
    const { inference } = connect(server.url);
    const pending = inference.socket.continueFromRawPrompt({ raw_prompt: "a", max_tokens: 4 }).text();
    const { socket, frame } = await server.nextFrame();
    const { id } = requestFrame(frame);
    socket.send(JSON.stringify({ Response: { generated_by: null, request_id: id, response: { Bogus: 1 } } }));
    await expect(pending).rejects.toMatchObject({ code: "invalid_response" });
    expect(await server.nextFrame()).toMatchObject({ frame: { Notification: { StopRespondingTo: id } } });
  });

  it("publishes token generation mode notifications to subscribers, deduplicated", async () => {
    server = await startWsTestServer((socket) =>
      socket.send(JSON.stringify({ Notification: "TokenGenerationDisabled" })),
    );
    const { inference } = connect(server.url);
    const controller = new AbortController();
    const modes: TokenGenerationModeNotification[] = [];
    const subscription = (async () => {
      for await (const mode of inference.socket.subscribeToTokenGenerationMode({
        signal: controller.signal,
      })) {
        modes.push(mode);
        const socket = server?.connections[0]?.socket;
        if (modes.length === 1) {
          socket?.send(JSON.stringify({ Notification: "TokenGenerationDisabled" }));
          socket?.send(JSON.stringify({ Notification: "TokenGenerationEnabled" }));
        } else {
          controller.abort();
        }
      }
    })();
    await subscription;
    expect(modes).toEqual(["TokenGenerationDisabled", "TokenGenerationEnabled"]);
  });

  it("spreads requests over a pool of sockets", async () => {
    server = await startWsTestServer();
    const { inference } = connect(server.url, { inferenceSocketPoolSize: 2 });
    const first = inference.socket.continueFromRawPrompt({ raw_prompt: "a", max_tokens: 1 }).text();
    const a = await server.nextFrame();
    const second = inference.socket.continueFromRawPrompt({ raw_prompt: "b", max_tokens: 1 }).text();
    const b = await server.nextFrame();
    expect(a.socket).not.toBe(b.socket);
    for (const { socket, frame } of [a, b]) socket.send(JSON.stringify(done(requestFrame(frame).id)));
    await expect(Promise.all([first, second])).resolves.toEqual(["", ""]);
  });

  it("spreads a burst of concurrent requests over the pool before any socket has opened", async () => {
    server = await startWsTestServer();
    const { inference } = connect(server.url, { inferenceSocketPoolSize: 2 });
    const texts = ["a", "b", "c", "d"].map((raw_prompt) =>
      inference.socket.continueFromRawPrompt({ raw_prompt, max_tokens: 1 }).text(),
    );
    const frames = [
      await server.nextFrame(),
      await server.nextFrame(),
      await server.nextFrame(),
      await server.nextFrame(),
    ];
    expect(new Set(frames.map(({ socket }) => socket)).size).toBe(2);
    for (const { socket, frame } of frames) socket.send(JSON.stringify(done(requestFrame(frame).id)));
    await expect(Promise.all(texts)).resolves.toEqual(["", "", "", ""]);
  });
});

describe("inference socket subscriptions", () => {
  it("reconnects on its own after a drop while subscribed, and hears the mode again", async () => {
    server = await startWsTestServer((socket) =>
      socket.send(JSON.stringify({ Notification: "TokenGenerationDisabled" })),
    );
    const { inference } = connect(server.url);
    const controller = new AbortController();
    const modes: TokenGenerationModeNotification[] = [];
    for await (const mode of inference.socket.subscribeToTokenGenerationMode({ signal: controller.signal })) {
      modes.push(mode);
      if (modes.length === 1) {
        server.connections[0]?.socket.terminate();
        // Once reconnected, the (simulated) cluster switches mode.
        const poll = setInterval(() => {
          const reconnected = server?.connections[1]?.socket;
          if (!reconnected) return;
          clearInterval(poll);
          reconnected.send(JSON.stringify({ Notification: "TokenGenerationEnabled" }));
        }, 5);
      } else {
        controller.abort();
      }
    }
    expect(modes).toEqual(["TokenGenerationDisabled", "TokenGenerationEnabled"]);
    expect(server.connections).toHaveLength(2);
  });

  it("never shows the API key in errors about the socket", async () => {
    // A closed port: opening fails, and the error names the URL with the key masked.
    const unreachable = connect("http://127.0.0.1:9", {
      apiKey: "very-secret-key",
      reconnect: { initialDelayMs: 5, maxDelayMs: 5 },
    });
    const error = await unreachable.inference.socket
      .continueFromConversationHistory(params)
      .text()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PaddlerError);
    expect(String((error as PaddlerError).message)).not.toContain("very-secret-key");
    expect((error as PaddlerError).url).toContain("access_token=redacted");
  });

  it("fails requests with configuration_error when no WebSocket implementation exists", async () => {
    const original = Reflect.get(globalThis, "WebSocket");
    Reflect.deleteProperty(globalThis, "WebSocket");
    try {
      client = createPaddlerClient({ inferenceUrl: "http://127.0.0.1:1" });
      await expect(
        client.inference.socket.continueFromRawPrompt({ raw_prompt: "p", max_tokens: 1 }).text(),
      ).rejects.toMatchObject({ code: "configuration_error" });
    } finally {
      if (original !== undefined) Reflect.set(globalThis, "WebSocket", original);
    }
  });
});

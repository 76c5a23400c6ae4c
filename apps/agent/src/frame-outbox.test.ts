import type { AddressInfo } from "node:net";
import { FRAME_BATCHING_HEADER } from "@paddler/protocol";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket, { WebSocketServer } from "ws";
import { FrameOutbox } from "./frame-outbox.js";

let server: WebSocketServer | null = null;
let client: WebSocket | null = null;

afterEach(async () => {
  client?.terminate();
  client = null;
  const current = server;
  server = null;
  if (current) await new Promise((resolve) => current.close(resolve));
});

/** A server that records every frame it receives; `acceptBatching` echoes the offer header. */
async function connect(acceptBatching: boolean) {
  const frames: string[] = [];
  server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
  await new Promise<void>((resolve) => server?.once("listening", () => resolve()));
  server.on("headers", (headers, request) => {
    if (acceptBatching && request.headers[FRAME_BATCHING_HEADER] === "1")
      headers.push(`${FRAME_BATCHING_HEADER}: 1`);
  });
  server.on("connection", (socket) => socket.on("message", (data) => frames.push(String(data))));
  const { port } = server.address() as AddressInfo;
  const socket = new WebSocket(`ws://127.0.0.1:${port}`, { headers: { [FRAME_BATCHING_HEADER]: "1" } });
  client = socket;
  const outbox = new FrameOutbox(socket);
  socket.on("upgrade", (response) => {
    if (response.headers[FRAME_BATCHING_HEADER] === "1") outbox.enableBatching();
  });
  await new Promise((resolve) => socket.once("open", resolve));
  return { frames, outbox, socket };
}

async function waitFor(check: () => boolean) {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("FrameOutbox", () => {
  it("sends one frame per message when the balancer does not accept batching", async () => {
    const { frames, outbox } = await connect(false);
    outbox.send('{"a":1}');
    outbox.send('{"b":2}');
    outbox.send('{"c":3}');
    await waitFor(() => frames.length === 3);
    expect(frames).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });

  it("sends the messages of one turn as one frame, a line each, once batching is accepted", async () => {
    const { frames, outbox } = await connect(true);
    outbox.send('{"a":1}');
    outbox.send('{"b":2}');
    await new Promise((resolve) => setImmediate(resolve));
    outbox.send('{"c":3}');
    await waitFor(() => frames.length === 2);
    expect(frames).toEqual(['{"a":1}\n{"b":2}', '{"c":3}']);
  });

  it("flushes what waits before a close", async () => {
    const { frames, outbox, socket } = await connect(true);
    outbox.send('{"last":true}');
    outbox.flush();
    socket.close(1000, "bye");
    await waitFor(() => frames.length === 1);
    expect(frames).toEqual(['{"last":true}']);
  });
});

import { createHash } from "node:crypto";
import { type AddressInfo, createServer } from "node:net";
import { createLogger, silentLogger } from "@paddler/logger";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { AgentStatus } from "./agent-status.js";
import { BalancerConnection } from "./balancer-connection.js";

let server: WebSocketServer | null = null;
let connection: BalancerConnection | null = null;

afterEach(async () => {
  await connection?.close();
  connection = null;
  const current = server;
  server = null;
  if (!current) return;
  for (const client of current.clients) client.terminate();
  await new Promise((resolve) => current.close(resolve));
});

async function waitUntil(check: () => boolean) {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("BalancerConnection", () => {
  it("says once, at warn, where it tries to connect and that it keeps retrying", async () => {
    // A port nobody listens on: bind one, note it, close it.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const lines: Array<{ level: string; msg: string }> = [];
    connection = new BalancerConnection({
      url: `ws://127.0.0.1:${port}/api/v1/agent_socket/a1`,
      name: null,
      status: new AgentStatus(1),
      logger: createLogger({ level: "debug", write: (line) => lines.push(JSON.parse(line)) }),
      onMessage: () => {},
      onDisconnected: () => {},
      reconnectDelayMs: 10,
    });
    // Wait for several failed attempts (each logs its socket error at debug).
    await waitUntil(() => lines.filter((line) => line.msg === "balancer socket error").length >= 5);
    const warnings = lines.filter((line) => line.level !== "debug");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.level).toBe("warn");
    expect(warnings[0]?.msg).toContain(
      `cannot reach the balancer at ws://127.0.0.1:${port}/api/v1/agent_socket/a1`,
    );
    expect(warnings[0]?.msg).toContain("retrying");
  });

  it("drops a balancer that went silent and dials again with the same id", async () => {
    const paths: string[] = [];
    // A peer that completes the WebSocket handshake and then goes mute (answers no ping), like a
    // machine that vanished without closing the connection.
    const mute = createServer((socket) => {
      socket.once("data", (data) => {
        const request = data.toString("latin1");
        paths.push(request.split(" ")[1] ?? "");
        const key = /sec-websocket-key: *(.+)\r\n/i.exec(request)?.[1]?.trim() ?? "";
        const accept = createHash("sha1")
          .update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`)
          .digest("base64");
        socket.write(
          `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
        );
        socket.on("data", () => {});
      });
    });
    await new Promise<void>((resolve) => mute.listen(0, "127.0.0.1", resolve));
    const { port } = mute.address() as AddressInfo;
    try {
      connection = new BalancerConnection({
        url: `ws://127.0.0.1:${port}/api/v1/agent_socket/same-id`,
        name: "quiet",
        status: new AgentStatus(1),
        logger: silentLogger(),
        onMessage: () => {},
        onDisconnected: () => {},
        reconnectDelayMs: 10,
        silenceTimeoutMs: 100,
      });
      await waitUntil(() => paths.length >= 2);
      expect(new Set(paths)).toEqual(new Set(["/api/v1/agent_socket/same-id"]));
    } finally {
      await connection?.close();
      connection = null;
      mute.close();
    }
  });

  it("stays connected while the balancer answers", async () => {
    server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await new Promise((resolve) => server?.once("listening", resolve));
    let connections = 0;
    server.on("connection", () => {
      connections++;
    });
    const { port } = server.address() as AddressInfo;
    connection = new BalancerConnection({
      url: `ws://127.0.0.1:${port}/api/v1/agent_socket/pinged`,
      name: null,
      status: new AgentStatus(1),
      logger: silentLogger(),
      onMessage: () => {},
      onDisconnected: () => {},
      reconnectDelayMs: 10,
      silenceTimeoutMs: 100,
    });
    await waitUntil(() => connections === 1);
    // Five silence windows pass; the server's automatic pongs keep the one connection alive.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(connections).toBe(1);
  });
});

import type { AddressInfo } from "node:net";
import { silentLogger } from "@paddler/logger";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocketServer } from "ws";
import { AgentStatus } from "./agent-status.js";
import { BalancerConnection } from "./balancer-connection.js";

let server: WebSocketServer | null = null;
let connection: BalancerConnection | null = null;

afterEach(async () => {
  await connection?.close();
  connection = null;
  for (const client of server?.clients ?? []) client.terminate();
  await new Promise((resolve) => server?.close(resolve));
  server = null;
});

async function waitUntil(check: () => boolean) {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("BalancerConnection", () => {
  it("drops a balancer that went silent and dials again with the same id", async () => {
    server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await new Promise((resolve) => server?.once("listening", resolve));
    const paths: string[] = [];
    // A peer that accepts and then never pings nor answers, like a machine that vanished.
    server.on("connection", (_socket, request) => paths.push(request.url ?? ""));
    const { port } = server.address() as AddressInfo;
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
  });

  it("stays connected while the balancer pings", async () => {
    server = new WebSocketServer({ host: "127.0.0.1", port: 0 });
    await new Promise((resolve) => server?.once("listening", resolve));
    let connections = 0;
    server.on("connection", (socket) => {
      connections++;
      const timer = setInterval(() => socket.ping(), 20);
      socket.on("close", () => clearInterval(timer));
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
    // Five silence windows pass; pings keep the one connection alive.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(connections).toBe(1);
  });
});

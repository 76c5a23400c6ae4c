import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type WebSocket, WebSocketServer } from "ws";

export interface WsTestServer {
  /** The http:// base URL a client would be given as `inferenceUrl`. */
  url: string;
  /** Every connection so far, with the URL path it asked for and the frames it sent (parsed JSON). */
  connections: { socket: WebSocket; path: string; frames: unknown[] }[];
  /** Resolves with the next frame any client sends. */
  nextFrame(): Promise<{ socket: WebSocket; frame: unknown }>;
  close(): Promise<void>;
}

/** A real WebSocket server on 127.0.0.1, port 0, playing the balancer's inference socket. */
export async function startWsTestServer(onConnection?: (socket: WebSocket) => void): Promise<WsTestServer> {
  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  const connections: WsTestServer["connections"] = [];
  const backlog: { socket: WebSocket; frame: unknown }[] = [];
  const waiting: ((value: { socket: WebSocket; frame: unknown }) => void)[] = [];
  wss.on("connection", (socket, request) => {
    const connection = { socket, path: request.url ?? "", frames: [] as unknown[] };
    connections.push(connection);
    socket.on("message", (data) => {
      const frame: unknown = JSON.parse(String(data));
      connection.frames.push(frame);
      const waiter = waiting.shift();
      if (waiter) waiter({ socket, frame });
      else backlog.push({ socket, frame });
    });
    onConnection?.(socket);
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections,
    nextFrame: () => {
      const frame = backlog.shift();
      if (frame) return Promise.resolve(frame);
      return new Promise((resolve) => waiting.push(resolve));
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}

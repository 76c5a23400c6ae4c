import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { Hono } from "hono";
import { WebSocketServer } from "ws";

export interface ServedApp {
  /** `host:port` as bound (port 0 resolves to the real port). */
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface ServeAppOptions {
  // biome-ignore lint/suspicious/noExplicitAny: Hono apps differ only in their env type parameters.
  app: Hono<any, any, any>;
  host: string;
  port: number;
  /** Largest WebSocket frame accepted; Paddler allows 50 MiB. */
  maxWebSocketPayload?: number;
}

export async function serveApp({
  app,
  host,
  port,
  maxWebSocketPayload = 50 * 1024 * 1024,
}: ServeAppOptions): Promise<ServedApp> {
  const websocketServer = new WebSocketServer({ noServer: true, maxPayload: maxWebSocketPayload });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const created = serve(
      { fetch: app.fetch, hostname: host, port, websocket: { server: websocketServer } },
      () => resolve(created),
    );
    created.once("error", reject);
  });
  const bound = server.address() as AddressInfo;
  const boundHost = bound.family === "IPv6" ? `[${bound.address}]` : bound.address;
  return {
    address: `${boundHost}:${bound.port}`,
    port: bound.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of websocketServer.clients) client.terminate();
        websocketServer.close();
        server.close(() => resolve());
        if ("closeAllConnections" in server) server.closeAllConnections();
      }),
  };
}

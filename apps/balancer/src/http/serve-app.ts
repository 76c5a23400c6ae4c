import { ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
// A plain (undici) Response made before serve() swaps the global class, which is the one shape
// @hono/node-server checks for "already sent".
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import type { Hono } from "hono";
import { WebSocketServer } from "ws";
import { AddressInUseError } from "./address-in-use-error.js";
import { takeDirectSource, writeDirect } from "./direct-stream.js";

export interface ServedApp {
  /** `host:port` as bound (port 0 resolves to the real port). */
  readonly address: string;
  readonly port: number;
  /** Stops listening and drops idle keep-alive connections; requests in progress carry on. */
  stopAccepting(): void;
  /** Resolves true once no HTTP response is in progress, or false at the deadline. */
  whenNoRequests(timeoutMs: number): Promise<boolean>;
  /** Ends everything still open, WebSockets with `closeCode` (default: terminated). */
  close(options?: { closeCode?: number; reason?: string }): Promise<void>;
}

export interface ServeLimits {
  /** Largest WebSocket frame accepted (a bigger one closes the socket with 1009); Paddler allows 50 MiB. */
  maxWebSocketPayload: number;
  /** Open WebSockets on this service; an upgrade beyond it gets 503. */
  maxWebSocketConnections: number;
  /** Time a client has to send a whole request before 408 (node's `requestTimeout`). */
  requestTimeoutMs: number;
  /** Time a client has to send the request headers before 408 (node's `headersTimeout`). */
  headersTimeoutMs: number;
}

export const defaultServeLimits: ServeLimits = {
  maxWebSocketPayload: 50 * 1024 * 1024,
  maxWebSocketConnections: 1024,
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
};

export interface ServeAppOptions extends Partial<ServeLimits> {
  // biome-ignore lint/suspicious/noExplicitAny: Hono apps differ only in their env type parameters.
  app: Hono<any, any, any>;
  host: string;
  port: number;
  /** The flag that set this address (e.g. `--management-addr`), named when the address is taken. */
  flag?: string;
}

function isUpgrade(request: Request): boolean {
  return request.headers.get("upgrade")?.toLowerCase() === "websocket";
}

export async function serveApp({ app, host, port, flag, ...overrides }: ServeAppOptions): Promise<ServedApp> {
  const limits = { ...defaultServeLimits, ...overrides };
  const headersTimeout = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs);
  const websocketServer = new WebSocketServer({ noServer: true, maxPayload: limits.maxWebSocketPayload });
  let stopping = false;
  const fetch: typeof app.fetch = async (request, ...rest) => {
    const response =
      isUpgrade(request) && websocketServer.clients.size >= limits.maxWebSocketConnections
        ? Response.json(
            {
              error: {
                code: "too_many_connections",
                message: `Too many open WebSockets on this service (limit ${limits.maxWebSocketConnections})`,
              },
            },
            { status: 503, headers: { "Retry-After": "1" } },
          )
        : await app.fetch(request, ...rest);
    // Once stopping, no connection is kept alive for another request.
    if (stopping && !isUpgrade(request)) {
      try {
        response.headers.set("Connection", "close");
      } catch {
        // Immutable headers (a fetched response): the final close ends that connection.
      }
    }
    // Streamed inference bodies skip the Web stream: chunks go straight to Node's response.
    const outgoing = (rest[0] as { outgoing?: unknown } | undefined)?.outgoing;
    const direct = outgoing instanceof ServerResponse ? takeDirectSource(response, outgoing) : undefined;
    if (direct && outgoing instanceof ServerResponse) {
      writeDirect(response, direct, outgoing);
      return RESPONSE_ALREADY_SENT;
    }
    return response;
  };
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const created = serve(
      {
        fetch,
        hostname: host,
        port,
        websocket: { server: websocketServer },
        serverOptions: {
          requestTimeout: limits.requestTimeoutMs,
          headersTimeout,
          // Node checks both timeouts on this period (30 s by default), which would let a stalled
          // client hold its connection far past the limit.
          connectionsCheckingInterval: Math.max(100, Math.min(1000, Math.floor(headersTimeout / 2))),
        },
      },
      () => resolve(created),
    );
    created.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE" && flag
          ? new AddressInUseError({ flag, address: `${host}:${port}`, cause: error })
          : error,
      );
    });
  });
  let activeRequests = 0;
  const requestListeners = new Set<() => void>();
  server.on("request", (_request, response) => {
    activeRequests++;
    response.once("close", () => {
      activeRequests--;
      for (const listener of requestListeners) listener();
    });
  });
  const bound = server.address() as AddressInfo;
  const boundHost = bound.family === "IPv6" ? `[${bound.address}]` : bound.address;
  let closed: Promise<void> | null = null;
  const stopListening = () => {
    stopping = true;
    closed ??= new Promise<void>((resolve) => server.close(() => resolve()));
    if ("closeIdleConnections" in server) server.closeIdleConnections();
  };
  return {
    address: `${boundHost}:${bound.port}`,
    port: bound.port,
    stopAccepting: stopListening,
    whenNoRequests: (timeoutMs) =>
      new Promise<boolean>((resolve) => {
        const done = (idle: boolean) => {
          requestListeners.delete(check);
          clearTimeout(timer);
          resolve(idle);
        };
        const check = () => {
          if (activeRequests === 0) done(true);
        };
        const timer = setTimeout(() => done(false), timeoutMs);
        requestListeners.add(check);
        check();
      }),
    close: async ({ closeCode, reason } = {}) => {
      stopListening();
      for (const client of websocketServer.clients) {
        if (closeCode === undefined) client.terminate();
        else {
          client.close(closeCode, reason);
          setTimeout(() => client.terminate(), 1000).unref();
        }
      }
      websocketServer.close();
      if ("closeAllConnections" in server) server.closeAllConnections();
      await closed;
    },
  };
}

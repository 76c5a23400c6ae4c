import type { BackoffOptions } from "./backoff.js";
import { createTransport, type FetchFunction } from "./http/transport.js";
import { createHttpInference, type HttpInference } from "./inference/http-inference.js";
import { createInferenceSocket, type InferenceSocket } from "./inference/socket/inference-socket.js";
import type { WebSocketConstructor } from "./inference/socket/web-socket-like.js";
import { createManagementClient, type ManagementClient } from "./management/management-client.js";

export interface PaddlerClientOptions {
  /** Base URL of the balancer's inference service, e.g. `http://127.0.0.1:8061`. */
  inferenceUrl?: string | undefined;
  /** Base URL of the balancer's management service, e.g. `http://127.0.0.1:8060`. */
  managementUrl?: string | undefined;
  /** A fetch implementation; `globalThis.fetch` by default. */
  fetch?: FetchFunction | undefined;
  /** A WebSocket implementation; the global `WebSocket` by default (in Node 20 pass `ws`). */
  WebSocket?: WebSocketConstructor | undefined;
  /** Headers sent with every HTTP call (not on the WebSocket: browsers cannot set them). */
  headers?: Record<string, string> | undefined;
  /** Sent as `Authorization: Bearer <apiKey>` over HTTP and as `?access_token=<apiKey>` on the WebSocket. */
  apiKey?: string | undefined;
  /** How many inference sockets to multiplex requests over. Default 1. */
  inferenceSocketPoolSize?: number | undefined;
  /** Reconnect backoff for SSE streams and inference sockets. */
  reconnect?: BackoffOptions | undefined;
  /**
   * The model pool inference runs in (`X-Paddler-Pool` over HTTP, `?pool=` on the socket); the
   * balancer's default pool when absent. Management calls name their pool themselves.
   */
  pool?: string | undefined;
}

export interface PaddlerClient {
  /** Inference over HTTP (NDJSON), plus `inference.socket` for the multiplexed WebSocket. */
  inference: HttpInference & { socket: InferenceSocket };
  management: ManagementClient;
  /** Closes the inference sockets. HTTP calls need no cleanup. */
  close(): void;
}

export function createPaddlerClient({
  inferenceUrl,
  managementUrl,
  fetch,
  WebSocket,
  headers,
  apiKey,
  inferenceSocketPoolSize = 1,
  reconnect,
  pool,
}: PaddlerClientOptions = {}): PaddlerClient {
  const transport = createTransport({ fetch, headers, apiKey });
  const inferenceTransport =
    pool === undefined
      ? transport
      : createTransport({ fetch, headers: { ...headers, "X-Paddler-Pool": pool }, apiKey });
  const socket = createInferenceSocket({
    inferenceUrl,
    apiKey,
    pool,
    WebSocket,
    poolSize: inferenceSocketPoolSize,
    reconnect,
  });
  return {
    inference: { ...createHttpInference(inferenceUrl, inferenceTransport), socket },
    management: createManagementClient(managementUrl, transport, reconnect),
    close: () => socket.close(),
  };
}

import {
  type ContinueFromConversationHistoryParams,
  type ContinueFromRawPromptParams,
  type InferenceClientMessage,
  type InferenceSocketRequest,
  inferenceSocketClientFrameSchema,
  type TokenGenerationModeNotification,
} from "@paddler/protocol";
import { abortedError, throwIfAborted } from "../../abort.js";
import type { BackoffOptions } from "../../backoff.js";
import { PaddlerError } from "../../errors.js";
import type { RequestOptions } from "../../http/request-options.js";
import { type AsyncQueue, createAsyncQueue } from "../../streams/async-queue.js";
import { createInferenceStream, type InferenceStream } from "../../streams/inference-stream.js";
import { parseRequest } from "../../validate.js";
import { createRequestId } from "./create-request-id.js";
import {
  createInferenceSocketConnection,
  type InferenceSocketConnection,
} from "./inference-socket-connection.js";
import { inferenceSocketUrl, redactAccessToken } from "./inference-socket-url.js";
import type { WebSocketConstructor } from "./web-socket-like.js";

export interface InferenceSocketRequestOptions extends Omit<RequestOptions, "headers"> {
  /** The request id to multiplex on; a fresh random id by default. */
  id?: string | undefined;
}

/**
 * Inference over a pool of multiplexed WebSockets (`/api/v1/inference_socket`).
 * Sockets open on first use and reconnect with backoff after a drop; requests in flight on a
 * dropped socket fail with PaddlerError `socket_closed`.
 */
export interface InferenceSocket {
  continueFromConversationHistory(
    params: ContinueFromConversationHistoryParams,
    options?: InferenceSocketRequestOptions,
  ): InferenceStream;
  continueFromRawPrompt(
    params: ContinueFromRawPromptParams,
    options?: InferenceSocketRequestOptions,
  ): InferenceStream;
  /**
   * Cluster token-generation mode changes, deduplicated; the last known mode comes first.
   * Paddler announces `TokenGenerationDisabled` on connect in embeddings mode and says nothing
   * otherwise, so no value yet means enabled. Keeps a socket open while subscribed;
   * ends quietly when the signal fires or the loop is left.
   */
  subscribeToTokenGenerationMode(options?: {
    signal?: AbortSignal;
  }): AsyncIterable<TokenGenerationModeNotification>;
  /** Closes every socket; requests in flight fail with `socket_closed`. */
  close(): void;
}

export interface InferenceSocketOptions {
  inferenceUrl: string | undefined;
  apiKey: string | undefined;
  /** The model pool every request on these sockets runs in; the default pool when absent. */
  pool?: string | undefined;
  WebSocket: WebSocketConstructor | undefined;
  poolSize: number;
  reconnect: BackoffOptions | undefined;
}

export function createInferenceSocket({
  inferenceUrl,
  apiKey,
  pool: modelPool,
  WebSocket,
  poolSize,
  reconnect,
}: InferenceSocketOptions): InferenceSocket {
  const subscribers = new Set<AsyncQueue<TokenGenerationModeNotification>>();
  let lastMode: TokenGenerationModeNotification | undefined;
  let pool: { url: string; connections: InferenceSocketConnection[] } | undefined;

  const onNotification = (mode: TokenGenerationModeNotification) => {
    if (mode === lastMode) return;
    lastMode = mode;
    for (const subscriber of subscribers) subscriber.push(mode);
  };

  const getPool = () => {
    if (pool) return pool;
    if (inferenceUrl === undefined) {
      throw new PaddlerError({
        code: "configuration_error",
        message: "createPaddlerClient needs `inferenceUrl` for the inference socket",
      });
    }
    const WebSocketImplementation = WebSocket ?? globalWebSocket();
    if (!WebSocketImplementation) {
      throw new PaddlerError({
        code: "configuration_error",
        message:
          "No global WebSocket; pass one to createPaddlerClient({ WebSocket }) (in Node 20: the `ws` package)",
      });
    }
    const url = inferenceSocketUrl(inferenceUrl, apiKey, modelPool);
    const connections = Array.from({ length: Math.max(1, poolSize) }, (_, index) =>
      createInferenceSocketConnection({
        url,
        WebSocket: WebSocketImplementation,
        reconnect,
        onNotification,
        // The first socket carries notifications for subscribers; the others open on demand.
        keepAlive: () => index === 0 && subscribers.size > 0,
      }),
    );
    pool = { url: redactAccessToken(url), connections };
    return pool;
  };

  // Requests waiting for their socket to open are not registered yet; count them too, or a burst
  // of concurrent requests would all pick the first socket.
  const opening = new Map<InferenceSocketConnection, number>();
  const loadOf = (connection: InferenceSocketConnection) => connection.load + (opening.get(connection) ?? 0);
  const leastLoaded = (connections: InferenceSocketConnection[]) =>
    connections.reduce((best, candidate) => (loadOf(candidate) < loadOf(best) ? candidate : best));

  async function* run(
    request: InferenceSocketRequest,
    { signal, id = createRequestId() }: InferenceSocketRequestOptions,
  ): AsyncGenerator<InferenceClientMessage> {
    const { url, connections } = getPool();
    throwIfAborted(signal, url);
    const frame = parseRequest(inferenceSocketClientFrameSchema, { Request: { id, request } }, url);
    const connection = leastLoaded(connections);
    const queue = createAsyncQueue<InferenceClientMessage>();
    const onAbort = () => signal && queue.fail(abortedError(signal, url));
    let registered = false;
    try {
      opening.set(connection, (opening.get(connection) ?? 0) + 1);
      try {
        await connection.open(signal);
      } finally {
        opening.set(connection, (opening.get(connection) ?? 1) - 1);
      }
      connection.register(id, queue);
      registered = true;
      signal?.addEventListener("abort", onAbort, { once: true });
      if (!connection.send(JSON.stringify(frame))) {
        throw new PaddlerError({ code: "socket_closed", message: "The inference socket closed", url });
      }
      yield* queue;
    } finally {
      signal?.removeEventListener("abort", onAbort);
      // Still routed here means we stopped early (abort, break, error): tell the balancer.
      if (registered && connection.unregister(id)) {
        connection.send(JSON.stringify({ Notification: { StopRespondingTo: id } }));
      }
    }
  }

  return {
    continueFromConversationHistory: (params, options = {}) =>
      createInferenceStream(() => run({ ContinueFromConversationHistory: params }, options)),
    continueFromRawPrompt: (params, options = {}) =>
      createInferenceStream(() => run({ ContinueFromRawPrompt: params }, options)),
    subscribeToTokenGenerationMode: ({ signal } = {}) => ({
      [Symbol.asyncIterator]() {
        const { connections } = getPool();
        const onAbort = () => queue.end();
        const queue = createAsyncQueue<TokenGenerationModeNotification>(() => {
          subscribers.delete(queue);
          signal?.removeEventListener("abort", onAbort);
        });
        if (signal?.aborted) {
          queue.end();
          return queue;
        }
        signal?.addEventListener("abort", onAbort, { once: true });
        subscribers.add(queue);
        if (lastMode !== undefined) queue.push(lastMode);
        connections[0]?.maintain();
        return queue;
      },
    }),
    close() {
      for (const subscriber of [...subscribers]) subscriber.end();
      for (const connection of pool?.connections ?? []) connection.close();
    },
  };
}

function globalWebSocket(): WebSocketConstructor | undefined {
  const candidate: unknown = Reflect.get(globalThis, "WebSocket");
  return typeof candidate === "function" ? (candidate as WebSocketConstructor) : undefined;
}

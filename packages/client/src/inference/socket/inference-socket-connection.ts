import {
  type InferenceClientMessage,
  inferenceClientMessageSchema,
  type TokenGenerationModeNotification,
} from "@paddler/protocol";

import { abortedError, sleep } from "../../abort.js";
import { type BackoffOptions, backoffDelay } from "../../backoff.js";
import { PaddlerError } from "../../errors.js";
import type { AsyncQueue } from "../../streams/async-queue.js";
import { isTerminalGenerationMessage } from "../is-terminal-message.js";
import { redactAccessToken } from "./inference-socket-url.js";
import {
  messageText,
  WEB_SOCKET_OPEN,
  type WebSocketConstructor,
  type WebSocketLike,
} from "./web-socket-like.js";

export interface InferenceSocketConnectionOptions {
  url: string;
  WebSocket: WebSocketConstructor;
  reconnect: BackoffOptions | undefined;
  onNotification: (mode: TokenGenerationModeNotification) => void;
  /** Whether to reconnect on its own after a drop (someone is subscribed to notifications). */
  keepAlive: () => boolean;
}

/** One multiplexed inference socket: opens lazily, routes frames by request id, reconnects with backoff. */
export interface InferenceSocketConnection {
  /** Requests in flight on this socket. */
  readonly load: number;
  /** Resolves with the open socket, connecting (after any backoff delay) when needed. */
  open(signal?: AbortSignal): Promise<WebSocketLike>;
  /** Routes the messages of `id` into `queue` until its terminal message or a drop. */
  register(id: string, queue: AsyncQueue<InferenceClientMessage>): void;
  /** Stops routing `id`; true when it was still in flight. */
  unregister(id: string): boolean;
  /** Sends a frame if the socket is open; false otherwise. */
  send(frame: string): boolean;
  /** Reconnects in the background if `keepAlive` says so. */
  maintain(): void;
  close(): void;
}

export function createInferenceSocketConnection({
  url,
  WebSocket,
  reconnect,
  onNotification,
  keepAlive,
}: InferenceSocketConnectionOptions): InferenceSocketConnection {
  // The URL may carry the API key; errors show it masked.
  const shownUrl = redactAccessToken(url);
  const pending = new Map<string, AsyncQueue<InferenceClientMessage>>();
  const closed = new AbortController();
  let socket: WebSocketLike | undefined;
  let opening: Promise<WebSocketLike> | undefined;
  let attempt = 0;
  let retryAt = 0;
  let maintaining = false;

  const failAll = (error: PaddlerError) => {
    const queues = [...pending.values()];
    pending.clear();
    for (const queue of queues) queue.fail(error);
  };

  const scheduleRetry = () => {
    retryAt = Date.now() + backoffDelay(attempt, reconnect);
    attempt += 1;
  };

  const handleFrame = (current: WebSocketLike, data: unknown) => {
    const text = messageText(data);
    let raw: unknown;
    try {
      raw = text === undefined ? undefined : JSON.parse(text);
    } catch {
      raw = undefined;
    }
    const parsed = inferenceClientMessageSchema.safeParse(raw);
    if (!parsed.success) {
      const error = new PaddlerError({
        code: "invalid_response",
        message: `Malformed frame on ${shownUrl}`,
        url: shownUrl,
        body: text ?? data,
        cause: parsed.error,
      });
      const id = requestIdOf(raw);
      const queue = id === undefined ? undefined : pending.get(id);
      if (id !== undefined && queue) {
        pending.delete(id);
        current.send(JSON.stringify({ Notification: { StopRespondingTo: id } }));
        queue.fail(error);
      } else {
        // A frame we cannot attribute: the socket can no longer be trusted.
        failAll(error);
        current.close(1002, "invalid frame");
      }
      return;
    }
    const message = parsed.data;
    if ("Notification" in message) {
      onNotification(message.Notification);
      return;
    }
    const id = "Response" in message ? message.Response.request_id : message.Error.request_id;
    const queue = pending.get(id);
    if (!queue) return; // Late frames for a request we stopped.
    queue.push(message);
    if (isTerminalGenerationMessage(message)) {
      pending.delete(id);
      queue.end();
    }
  };

  const connect = () =>
    new Promise<WebSocketLike>((resolve, reject) => {
      let current: WebSocketLike;
      try {
        current = new WebSocket(url);
      } catch (cause) {
        scheduleRetry();
        reject(
          new PaddlerError({
            code: "network_error",
            message: `Could not open ${shownUrl}`,
            url: shownUrl,
            cause,
          }),
        );
        return;
      }
      let isOpen = false;
      const onClosedDuringOpen = () => {
        closed.signal.removeEventListener("abort", onClientClose);
      };
      const onClientClose = () => current.close(1000, "client closed");
      closed.signal.addEventListener("abort", onClientClose, { once: true });
      current.addEventListener("open", () => {
        isOpen = true;
        attempt = 0;
        socket = current;
        resolve(current);
      });
      current.addEventListener("message", (event) => handleFrame(current, event.data));
      current.addEventListener("error", () => {
        // A close event follows; it decides.
      });
      current.addEventListener("close", (event) => {
        onClosedDuringOpen();
        if (socket === current) socket = undefined;
        scheduleRetry();
        const reason = `the inference socket closed (${event.code}${event.reason ? ` ${event.reason}` : ""})`;
        if (!isOpen) {
          reject(
            new PaddlerError({
              code: "network_error",
              message: `Could not open ${shownUrl}: ${reason}`,
              url: shownUrl,
            }),
          );
          return;
        }
        failAll(
          new PaddlerError({ code: "socket_closed", message: `Request failed: ${reason}`, url: shownUrl }),
        );
        queueMicrotask(maintain);
      });
    });

  const open = (signal?: AbortSignal): Promise<WebSocketLike> => {
    if (socket && socket.readyState === WEB_SOCKET_OPEN) return Promise.resolve(socket);
    opening ??= (async () => {
      try {
        const wait = retryAt - Date.now();
        if (wait > 0) await sleep(wait, closed.signal);
        if (closed.signal.aborted) {
          throw new PaddlerError({ code: "socket_closed", message: "The client was closed", url: shownUrl });
        }
        return await connect();
      } finally {
        opening = undefined;
      }
    })();
    if (!signal) return opening;
    return raceAbort(opening, signal, shownUrl);
  };

  function maintain() {
    if (maintaining || closed.signal.aborted || !keepAlive()) return;
    maintaining = true;
    open().then(
      () => {
        maintaining = false;
      },
      () => {
        maintaining = false;
        maintain();
      },
    );
  }

  return {
    get load() {
      return pending.size;
    },
    open,
    register(id, queue) {
      if (pending.has(id)) {
        throw new PaddlerError({
          code: "invalid_request",
          message: `Request id ${id} is already in flight`,
          url: shownUrl,
        });
      }
      pending.set(id, queue);
    },
    unregister: (id) => pending.delete(id),
    send(frame) {
      if (!socket || socket.readyState !== WEB_SOCKET_OPEN) return false;
      socket.send(frame);
      return true;
    },
    maintain,
    close() {
      closed.abort();
      failAll(new PaddlerError({ code: "socket_closed", message: "The client was closed", url: shownUrl }));
      socket?.close(1000, "client closed");
      socket = undefined;
    },
  };
}

function requestIdOf(raw: unknown): string | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  for (const key of ["Response", "Error"]) {
    const envelope: unknown = Reflect.get(raw, key);
    if (typeof envelope === "object" && envelope !== null) {
      const id: unknown = Reflect.get(envelope, "request_id");
      if (typeof id === "string") return id;
    }
  }
  return undefined;
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal, url: string): Promise<T> {
  if (signal.aborted) return Promise.reject(abortedError(signal, url));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortedError(signal, url));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

import { upgradeWebSocket } from "@hono/node-server";
import type { Logger } from "@paddler/logger";
import {
  formatZodError,
  type InferenceClientMessage,
  inferenceSocketClientFrameSchema,
  parseJsonWithLimits,
  requestIdSchema,
} from "@paddler/protocol";
import { Hono } from "hono";
import type { Dispatcher } from "../../dispatch/dispatcher.js";
import { TokenGenerationDisabledError } from "../../errors.js";
import { corkForThisTurn } from "../../http/cork-for-this-turn.js";
import { startHeartbeat } from "../../http/heartbeat.js";
import type { Fleet } from "../../pools/fleet.js";
import { nativePool, SESSION_HEADER, sessionKeyFrom } from "../../pools/native-pool.js";
import { traceOrigin } from "../../tracing/trace-origin.js";
import { clientMessageSerializer } from "./client-message-serializer.js";

export interface InferenceSocketRoutesDeps {
  fleet: Fleet;
  dispatcher: Dispatcher;
  logger: Logger;
}

/** A client silent (no pong, no frame) this long is gone; far past any busy event loop. */
const clientDeadAfterMs = 60_000;

function modeNotification(enabled: boolean): InferenceClientMessage {
  return { Notification: enabled ? "TokenGenerationEnabled" : "TokenGenerationDisabled" };
}

function frameId(json: unknown): string | null {
  if (typeof json !== "object" || json === null || !("Request" in json)) return null;
  const request = json.Request;
  if (typeof request !== "object" || request === null || !("id" in request)) return null;
  const id = requestIdSchema.safeParse(request.id);
  return id.success ? id.data : null;
}

/**
 * `/api/v1/inference_socket`: many requests multiplexed over one socket by the client's ids.
 * Unlike Paddler, an invalid request that names its id gets an Error for that id and the socket
 * stays open; only a frame we cannot attribute closes it.
 */
export function inferenceSocketRoutes({ fleet, dispatcher, logger }: InferenceSocketRoutesDeps) {
  return new Hono().get(
    "/inference_socket",
    // The pool (X-Paddler-Pool or `?pool=`) is checked before the upgrade, so an unknown one is a 404.
    async (c, next) => {
      nativePool(fleet, c.req);
      return next();
    },
    upgradeWebSocket((c) => {
      const { pool, cluster } = nativePool(fleet, c.req);
      const sessionKey = sessionKeyFrom(c.req.header(SESSION_HEADER));
      // The upgrade's traceparent is every request's parent unless a frame brings its own.
      const socketTrace = traceOrigin(c);
      const inFlight = new Map<string, AbortController>();
      let unsubscribe = () => {};
      let stopHeartbeat = () => {};
      return {
        onOpen(_event, ws) {
          const send = (message: InferenceClientMessage) => {
            if (ws.readyState === 1) ws.send(JSON.stringify(message));
          };
          if (!cluster.tokenGenerationEnabled) send(modeNotification(false));
          unsubscribe = cluster.onTokenGenerationModeChange((enabled) => send(modeNotification(enabled)));
          stopHeartbeat = startHeartbeat(ws.raw, { deadAfterMs: clientDeadAfterMs });
        },
        onMessage(event, ws) {
          const send = (message: InferenceClientMessage) => {
            if (ws.readyState === 1) ws.send(JSON.stringify(message));
          };
          const text = String(event.data);
          const read = parseJsonWithLimits(text);
          if (!read.ok) {
            // Past the limits nothing in the frame can be trusted, not even its id: 1009 (too big).
            if (read.kind === "limit") ws.close(1009, read.reason);
            return; // Paddler ignores frames that are not JSON.
          }
          const json = read.value;
          const parsed = inferenceSocketClientFrameSchema.safeParse(json);
          if (!parsed.success) {
            const description = `Invalid request parameters: ${formatZodError(parsed.error)}`;
            const id = frameId(json);
            if (id !== null) {
              send({ Error: { request_id: id, error: { code: 400, description } } });
            } else {
              ws.close(1008, description.slice(0, 120));
            }
            return;
          }
          const frame = parsed.data;
          if ("Notification" in frame) {
            inFlight.get(frame.Notification.StopRespondingTo)?.abort();
            return;
          }
          const { id, request, trace_context: frameTrace } = frame.Request;
          if (inFlight.has(id)) {
            send({
              Error: {
                request_id: id,
                error: { code: 400, description: `Request id ${id} is already in flight` },
              },
            });
            return;
          }
          if (!cluster.tokenGenerationEnabled) {
            send({
              Response: {
                generated_by: null,
                request_id: id,
                response: {
                  GeneratedToken: { TokenGenerationDisabled: new TokenGenerationDisabledError().message },
                },
              },
            });
            return;
          }
          const abort = new AbortController();
          inFlight.set(id, abort);
          const serialize = clientMessageSerializer(id);
          // Each reply goes out from the agent socket's own callback: no promise per token; the
          // frames of one event-loop turn leave in one write (cork).
          void dispatcher
            .dispatchTo(
              request,
              abort.signal,
              {
                requestId: id,
                pool,
                sessionKey,
                trace: frameTrace ? { name: socketTrace.name, parent: frameTrace } : socketTrace,
              },
              {
                event(dispatchEvent) {
                  if (ws.readyState !== 1) return;
                  corkForThisTurn(ws.raw);
                  ws.send(serialize(dispatchEvent));
                },
                end() {
                  if (inFlight.get(id) === abort) inFlight.delete(id);
                },
              },
            )
            .catch((error: unknown) => {
              logger.error("inference socket request failed", { error, requestId: id });
              if (inFlight.get(id) === abort) inFlight.delete(id);
            });
        },
        onClose() {
          stopHeartbeat();
          unsubscribe();
          for (const abort of inFlight.values()) abort.abort();
          inFlight.clear();
        },
      };
    }),
  );
}

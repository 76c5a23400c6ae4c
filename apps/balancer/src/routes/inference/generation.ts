import type { ServerResponse } from "node:http";
import {
  type AgentRequest,
  continueFromConversationHistoryParamsSchema,
  continueFromRawPromptParamsSchema,
  type InferenceClientMessage,
} from "@paddler/protocol";
import { Hono } from "hono";
import type { DispatchEvent, Dispatcher } from "../../dispatch/dispatcher.js";
import { checkRequestLimits, type RequestLimits } from "../../dispatch/request-limits.js";
import { InvalidRequestError, TokenGenerationDisabledError } from "../../errors.js";
import { directOutgoing } from "../../http/direct-stream.js";
import { type DispatchOrigin, dispatchOrigin } from "../../http/dispatch-origin.js";
import { ndjsonPushResponse } from "../../http/ndjson-response.js";
import { parseJsonBody } from "../../http/parse-json-body.js";
import type { Fleet } from "../../pools/fleet.js";
import { nativePool, SESSION_HEADER, sessionKeyFrom } from "../../pools/native-pool.js";
import { clientMessageSerializer } from "./client-message-serializer.js";
import { fastRawPromptParams } from "./fast-raw-prompt-params.js";

export interface GenerationRoutesDeps {
  fleet: Fleet;
  dispatcher: Dispatcher;
  limits: RequestLimits;
}

/** Maps a dispatch event to the client message Paddler sends for it. */
export function toClientMessage(event: DispatchEvent, requestId: string): InferenceClientMessage {
  if (event.kind === "error") return { Error: { request_id: requestId, error: event.error } };
  return { Response: { generated_by: event.generatedBy, request_id: requestId, response: event.response } };
}

/**
 * Streams a dispatched request as NDJSON; errors after dispatch are in-band lines, as in Paddler.
 * Each agent reply becomes a line written from the agent socket's own callback (no promise per
 * token); the lines of one event-loop turn leave in one write.
 */
export function streamDispatch(options: {
  dispatcher: Dispatcher;
  request: AgentRequest;
  origin: DispatchOrigin;
  /** Node's response when serveApp serves the request (see directOutgoing). */
  direct?: ServerResponse | undefined;
}): Response {
  const { dispatcher, request, origin } = options;
  const requestId = origin.requestId;
  const abort = new AbortController();
  // Served directly, the response is written at once and its close cancels the request (the
  // source's onCancel below), so the client's Web signal, an AbortController of its own, is
  // never built.
  if (!options.direct) origin.signal.addEventListener("abort", () => abort.abort(), { once: true });
  const serialize = clientMessageSerializer(requestId);
  return ndjsonPushResponse(
    (out) => {
      void dispatcher.dispatchTo(
        request,
        abort.signal,
        { requestId, pool: origin.pool, sessionKey: origin.sessionKey, trace: origin.trace },
        { event: (event) => out.write(`${serialize(event)}\n`), end: () => out.end() },
      );
    },
    () => abort.abort(),
    options.direct,
  );
}

/** A request over the limits is a 400 before anything is dispatched. */
export function enforceLimits(request: AgentRequest, limits: RequestLimits): AgentRequest {
  const problem = checkRequestLimits(request, limits);
  if (problem) throw new InvalidRequestError([problem]);
  return request;
}

export function generationRoutes({ fleet, dispatcher, limits }: GenerationRoutesDeps) {
  /** The request's pool (X-Paddler-Pool), which must not be in embeddings mode. */
  const tokenGenerationPool = (c: { req: Parameters<typeof nativePool>[1] }) => {
    const { pool, cluster } = nativePool(fleet, c.req);
    if (!cluster.tokenGenerationEnabled) throw new TokenGenerationDisabledError();
    return { pool, sessionKey: sessionKeyFrom(c.req.header(SESSION_HEADER)) };
  };
  return new Hono()
    .post("/continue_from_conversation_history", async (c) => {
      const params = await parseJsonBody(c, continueFromConversationHistoryParamsSchema);
      const request = enforceLimits({ ContinueFromConversationHistory: params }, limits);
      const target = tokenGenerationPool(c);
      return streamDispatch({
        dispatcher,
        request,
        origin: dispatchOrigin(c, target),
        direct: directOutgoing(c.env),
      });
    })
    .post("/continue_from_raw_prompt", async (c) => {
      const params = await parseJsonBody(c, continueFromRawPromptParamsSchema, fastRawPromptParams);
      const request = enforceLimits({ ContinueFromRawPrompt: params }, limits);
      const target = tokenGenerationPool(c);
      return streamDispatch({
        dispatcher,
        request,
        origin: dispatchOrigin(c, target),
        direct: directOutgoing(c.env),
      });
    });
}

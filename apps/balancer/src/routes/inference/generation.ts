import {
  type AgentRequest,
  continueFromConversationHistoryParamsSchema,
  continueFromRawPromptParamsSchema,
  type InferenceClientMessage,
} from "@paddler/protocol";
import { Hono } from "hono";
import { nanoid } from "nanoid";
import type { ClusterState } from "../../cluster/cluster-state.js";
import type { DispatchEvent, Dispatcher } from "../../dispatch/dispatcher.js";
import { checkRequestLimits, type RequestLimits } from "../../dispatch/request-limits.js";
import { InvalidRequestError, TokenGenerationDisabledError } from "../../errors.js";
import { ndjsonResponse } from "../../http/ndjson-response.js";
import { parseJsonBody } from "../../http/parse-json-body.js";

export interface GenerationRoutesDeps {
  cluster: ClusterState;
  dispatcher: Dispatcher;
  limits: RequestLimits;
}

/** Maps a dispatch event to the client message Paddler sends for it. */
export function toClientMessage(event: DispatchEvent, requestId: string): InferenceClientMessage {
  if (event.kind === "error") return { Error: { request_id: requestId, error: event.error } };
  return { Response: { generated_by: event.generatedBy, request_id: requestId, response: event.response } };
}

/** Streams a dispatched request as NDJSON; errors after dispatch are in-band lines, as in Paddler. */
export function streamDispatch(options: {
  dispatcher: Dispatcher;
  request: AgentRequest;
  signal: AbortSignal;
  requestId?: string;
}): Response {
  const { dispatcher, request } = options;
  const requestId = options.requestId ?? nanoid();
  const abort = new AbortController();
  options.signal.addEventListener("abort", () => abort.abort(), { once: true });
  async function* lines() {
    for await (const event of dispatcher.dispatch(request, abort.signal, { requestId }))
      yield toClientMessage(event, requestId);
  }
  return ndjsonResponse(lines(), () => abort.abort());
}

/** A request over the limits is a 400 before anything is dispatched. */
export function enforceLimits(request: AgentRequest, limits: RequestLimits): AgentRequest {
  const problem = checkRequestLimits(request, limits);
  if (problem) throw new InvalidRequestError([problem]);
  return request;
}

export function generationRoutes({ cluster, dispatcher, limits }: GenerationRoutesDeps) {
  const requireTokenGeneration = () => {
    if (!cluster.tokenGenerationEnabled) throw new TokenGenerationDisabledError();
  };
  return new Hono()
    .post("/continue_from_conversation_history", async (c) => {
      const params = await parseJsonBody(c, continueFromConversationHistoryParamsSchema);
      const request = enforceLimits({ ContinueFromConversationHistory: params }, limits);
      requireTokenGeneration();
      return streamDispatch({ dispatcher, request, signal: c.req.raw.signal, requestId: c.get("requestId") });
    })
    .post("/continue_from_raw_prompt", async (c) => {
      const params = await parseJsonBody(c, continueFromRawPromptParamsSchema);
      const request = enforceLimits({ ContinueFromRawPrompt: params }, limits);
      requireTokenGeneration();
      return streamDispatch({ dispatcher, request, signal: c.req.raw.signal, requestId: c.get("requestId") });
    });
}

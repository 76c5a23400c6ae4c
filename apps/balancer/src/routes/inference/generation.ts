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
import { TokenGenerationDisabledError } from "../../errors.js";
import { ndjsonResponse } from "../../http/ndjson-response.js";
import { parseJsonBody } from "../../http/parse-json-body.js";

export interface GenerationRoutesDeps {
  cluster: ClusterState;
  dispatcher: Dispatcher;
}

/** Maps a dispatch event to the client message Paddler sends for it. */
export function toClientMessage(event: DispatchEvent, requestId: string): InferenceClientMessage {
  if (event.kind === "error") return { Error: { request_id: requestId, error: event.error } };
  return { Response: { generated_by: event.generatedBy, request_id: requestId, response: event.response } };
}

/** Streams a dispatched request as NDJSON; errors after dispatch are in-band lines, as in Paddler. */
export function streamDispatch(
  dispatcher: Dispatcher,
  request: AgentRequest,
  clientSignal: AbortSignal,
): Response {
  const requestId = nanoid();
  const abort = new AbortController();
  clientSignal.addEventListener("abort", () => abort.abort(), { once: true });
  async function* lines() {
    for await (const event of dispatcher.dispatch(request, abort.signal))
      yield toClientMessage(event, requestId);
  }
  return ndjsonResponse(lines(), () => abort.abort());
}

export function generationRoutes({ cluster, dispatcher }: GenerationRoutesDeps) {
  const requireTokenGeneration = () => {
    if (!cluster.tokenGenerationEnabled) throw new TokenGenerationDisabledError();
  };
  return new Hono()
    .post("/continue_from_conversation_history", async (c) => {
      const params = await parseJsonBody(c, continueFromConversationHistoryParamsSchema);
      requireTokenGeneration();
      return streamDispatch(dispatcher, { ContinueFromConversationHistory: params }, c.req.raw.signal);
    })
    .post("/continue_from_raw_prompt", async (c) => {
      const params = await parseJsonBody(c, continueFromRawPromptParamsSchema);
      requireTokenGeneration();
      return streamDispatch(dispatcher, { ContinueFromRawPrompt: params }, c.req.raw.signal);
    });
}

import type { Context } from "hono";
import type { Fleet } from "../pools/fleet.js";
import { type ModelRequestFields, routeModelRequest } from "../pools/route-model-request.js";
import { embeddingsGuard, tokenGenerationGuard } from "./require-mode.js";

export interface OpenAIModelRoute {
  pool: string;
  sessionKey: string | undefined;
  /** The routed pool's mode checks (Paddler's 501s). */
  requireTokenGeneration(): void;
  requireEmbeddings(): void;
  embeddingBatchSize: number;
}

export type OpenAIModelRouter = (c: Context, fields: ModelRequestFields) => OpenAIModelRoute;

/** Picks each request's pool by its `model` (see `routeModelRequest`). */
export function openAIModelRouter(fleet: Fleet): OpenAIModelRouter {
  return (c, fields) => {
    const { pool, cluster, sessionKey } = routeModelRequest(fleet, c, fields);
    return {
      pool,
      sessionKey,
      requireTokenGeneration: tokenGenerationGuard(cluster),
      requireEmbeddings: embeddingsGuard(cluster),
      embeddingBatchSize: cluster.desired.inference_parameters.embedding_batch_size,
    };
  };
}

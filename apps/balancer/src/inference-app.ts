import type { Logger } from "@paddler/logger";
import { Hono } from "hono";
import type { AgentRegistry } from "./agents/agent-registry.js";
import type { ClusterState } from "./cluster/cluster-state.js";
import type { Dispatcher } from "./dispatch/dispatcher.js";
import { corsFor } from "./http/cors-for.js";
import { errorResponse } from "./http/error-response.js";
import { embeddingRoutes } from "./routes/inference/embeddings.js";
import { generationRoutes } from "./routes/inference/generation.js";
import { inferenceSocketRoutes } from "./routes/inference/inference-socket.js";

export interface InferenceAppDeps {
  registry: AgentRegistry;
  cluster: ClusterState;
  dispatcher: Dispatcher;
  logger: Logger;
  corsAllowedOrigins: () => readonly string[];
}

/** The inference service: Paddler's native NDJSON and WebSocket API. */
export function createInferenceApp(deps: InferenceAppDeps) {
  const { registry, cluster, dispatcher, logger } = deps;
  return new Hono()
    .use(corsFor(deps.corsAllowedOrigins))
    .get("/health", (c) => c.text("OK"))
    .route("/api/v1", generationRoutes({ cluster, dispatcher }))
    .route("/api/v1", embeddingRoutes({ cluster, dispatcher, registry }))
    .route("/api/v1", inferenceSocketRoutes({ cluster, dispatcher, logger }))
    .notFound((c) =>
      c.json({ error: { code: "not_found", message: `No route for ${c.req.method} ${c.req.path}` } }, 404),
    )
    .onError((error, c) => errorResponse(error, c, logger));
}

import type { Tracer } from "@opentelemetry/api";
import type { Logger } from "@paddler/logger";
import { Hono } from "hono";
import type { AgentRegistry } from "./agents/agent-registry.js";

import type { Dispatcher } from "./dispatch/dispatcher.js";
import type { RequestLimits } from "./dispatch/request-limits.js";
import { corsFor } from "./http/cors-for.js";
import { errorResponse } from "./http/error-response.js";
import { limitBody } from "./http/limit-body.js";
import { requestIdMiddleware } from "./http/request-id.js";
import type { Fleet } from "./pools/fleet.js";
import { embeddingRoutes } from "./routes/inference/embeddings.js";
import { generationRoutes } from "./routes/inference/generation.js";
import { inferenceSocketRoutes } from "./routes/inference/inference-socket.js";
import { requireCredentials } from "./security/require-credentials.js";
import type { SecretMatcher } from "./security/secret-matcher.js";
import { isRoutingRefusal, traceRefusal } from "./tracing/trace-refusal.js";

export interface InferenceAppDeps {
  registry: AgentRegistry;
  fleet: Fleet;
  dispatcher: Dispatcher;
  logger: Logger;
  corsAllowedOrigins: () => readonly string[];
  limits: RequestLimits;
  maxRequestBodyBytes: number;
  /** Null leaves the service open, as in Paddler. */
  apiKeys: SecretMatcher | null;
  /** Traces requests refused while routing (the dispatcher traces the rest); absent: off. */
  tracer?: Tracer | undefined;
}

/** The inference service: Paddler's native NDJSON and WebSocket API. */
export function createInferenceApp(deps: InferenceAppDeps) {
  const { registry, fleet, dispatcher, logger, limits } = deps;
  return new Hono()
    .use(requestIdMiddleware())
    .use(corsFor(deps.corsAllowedOrigins))
    .use(requireCredentials({ matches: deps.apiKeys }))
    .use(limitBody(deps.maxRequestBodyBytes))
    .get("/health", (c) => c.text("OK"))
    .route("/api/v1", generationRoutes({ fleet, dispatcher, limits }))
    .route("/api/v1", embeddingRoutes({ fleet, dispatcher, registry, limits }))
    .route("/api/v1", inferenceSocketRoutes({ fleet, dispatcher, logger }))
    .notFound((c) =>
      c.json({ error: { code: "not_found", message: `No route for ${c.req.method} ${c.req.path}` } }, 404),
    )
    .onError((error, c) => {
      if (deps.tracer && isRoutingRefusal(error)) traceRefusal(deps.tracer, c, error);
      return errorResponse(error, c, logger);
    });
}

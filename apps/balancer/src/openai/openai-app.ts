import type { Tracer } from "@opentelemetry/api";
import type { Logger } from "@paddler/logger";
import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AgentRegistry } from "../agents/agent-registry.js";
import { anthropicMessagesRoute } from "../anthropic/anthropic-messages-route.js";
import type { ClusterState } from "../cluster/cluster-state.js";
import type { Dispatcher } from "../dispatch/dispatcher.js";
import type { RequestLimits } from "../dispatch/request-limits.js";
import { corsFor } from "../http/cors-for.js";
import { isClientGone } from "../http/is-client-gone.js";
import { limitBody } from "../http/limit-body.js";
import { requestIdMiddleware } from "../http/request-id.js";
import type { Fleet } from "../pools/fleet.js";
import { bearerToken } from "../security/bearer-token.js";
import { requireCredentials } from "../security/require-credentials.js";
import type { SecretMatcher } from "../security/secret-matcher.js";
import { isRoutingRefusal, traceRefusal } from "../tracing/trace-refusal.js";
import { forwardToAgents } from "./forward-to-agents.js";
import { openAIModelRouter } from "./model-router.js";
import { OpenAIError } from "./openai-error.js";
import { createResponseStore } from "./response-store.js";
import { chatCompletionsRoute } from "./routes/chat-completions.js";
import { completionsRoute } from "./routes/completions.js";
import { embeddingsRoute } from "./routes/embeddings.js";
import { modelsRoute } from "./routes/models.js";
import { responsesRoute } from "./routes/responses.js";
import { fromThrown } from "./to-openai-error.js";
import { unixSeconds } from "./unix-seconds.js";

export interface OpenAIAppDeps {
  registry: AgentRegistry;
  cluster: ClusterState;
  fleet: Fleet;
  dispatcher: Dispatcher;
  logger: Logger;
  corsAllowedOrigins: () => readonly string[];
  maxRequestBodyBytes: number;
  limits: RequestLimits;
  /** The inference service's keys; null leaves the service open, as in Paddler. */
  apiKeys: SecretMatcher | null;
  /** Traces requests refused while routing (the dispatcher traces the rest); absent: off. */
  tracer?: Tracer | undefined;
}

/** The OpenAI-compatible service (`--compat-openai-addr`); every error is in OpenAI's shape. */
export function createOpenAIApp(deps: OpenAIAppDeps) {
  const { registry, fleet, dispatcher, logger } = deps;
  const route = openAIModelRouter(fleet);
  const store = createResponseStore();
  return (
    new Hono()
      .use(requestIdMiddleware())
      .use(corsFor(deps.corsAllowedOrigins))
      // Anthropic's clients send their key as `x-api-key`, OpenAI's as a bearer token.
      .use(
        requireCredentials({
          matches: deps.apiKeys,
          credential: (c) => bearerToken(c) ?? c.req.header("x-api-key") ?? null,
        }),
      )
      .use(limitBody(deps.maxRequestBodyBytes))
      .use(forwardToAgents({ registry, dispatcher, route }))
      .get("/health", (c) => c.text("OK"))
      .route("/v1", chatCompletionsRoute({ dispatcher, route, logger }))
      .route("/v1", completionsRoute({ dispatcher, route, logger }))
      .route("/v1", responsesRoute({ dispatcher, route, store, logger }))
      .route("/v1", anthropicMessagesRoute({ dispatcher, route, logger }))
      .route(
        "/v1",
        embeddingsRoute({
          dispatcher,
          registry,
          route,
          limits: deps.limits,
          logger,
        }),
      )
      // Models are listed with the time this service started: the desired state keeps no timestamp.
      .route("/v1", modelsRoute({ registry, fleet, created: unixSeconds() }))
      .notFound((c) => {
        const error = new OpenAIError({
          message: `Unknown request URL: ${c.req.method} ${c.req.path}`,
          status: 404,
          code: "unknown_url",
        });
        return c.json(error.toBody(), 404);
      })
      .onError((thrown, c) => {
        if (isClientGone(thrown, c)) {
          // Nobody is left to answer: not an error of ours.
          logger.debug("client went away before its request was read", { path: c.req.path });
          return c.json(
            { error: { message: "Client closed the request", type: "invalid_request_error" } },
            400,
          );
        }
        if (deps.tracer && isRoutingRefusal(thrown)) traceRefusal(deps.tracer, c, thrown);
        const error = fromThrown(thrown);
        if (error.status >= 500 && !(thrown instanceof OpenAIError))
          logger.error("unhandled error", { error: thrown, path: c.req.path });
        // The official SDKs retry 5xx unless told not to; a validation or mode error will not heal.
        if (!error.retryable) c.header("x-should-retry", "false");
        // Overflow: the buffer is full now and may not be in a moment.
        if (error.status === 503) c.header("Retry-After", "1");
        return c.json(error.toBody(), error.status as ContentfulStatusCode);
      })
  );
}

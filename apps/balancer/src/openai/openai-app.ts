import type { Logger } from "@paddler/logger";
import { Hono } from "hono";
import type { AgentRegistry } from "../agents/agent-registry.js";
import type { ClusterState } from "../cluster/cluster-state.js";
import type { Dispatcher } from "../dispatch/dispatcher.js";
import { corsFor } from "../http/cors-for.js";

export interface OpenAIAppDeps {
  registry: AgentRegistry;
  cluster: ClusterState;
  dispatcher: Dispatcher;
  logger: Logger;
  corsAllowedOrigins: readonly string[];
}

/** The OpenAI-compatible service (`--compat-openai-addr`). */
export function createOpenAIApp(deps: OpenAIAppDeps) {
  return new Hono().use(corsFor(deps.corsAllowedOrigins)).get("/health", (c) => c.text("OK"));
}

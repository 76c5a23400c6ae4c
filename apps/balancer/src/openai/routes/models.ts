import { DEFAULT_MODEL_POOL } from "@paddler/protocol";
import { Hono } from "hono";
import type { AgentRegistry } from "../../agents/agent-registry.js";
import type { Fleet } from "../../pools/fleet.js";
import { modelId } from "../model-id.js";
import { OpenAIError } from "../openai-error.js";

export interface ModelsRouteDeps {
  registry: AgentRegistry;
  fleet: Fleet;
  created: number;
}

/**
 * `GET /v1/models`: the models the fleet serves now. A pool is listed while at least one of its
 * agents has applied its desired state and has slots, so a client that picks a model from this
 * list gets one that can answer. The default pool is listed under its model file's id, as Paddler
 * lists its one model; other pools under their names; then every alias of a listed pool.
 * Agents in front of llama-server or an OpenAI-compatible server add what their upstream lists.
 */
export function modelsRoute({ registry, fleet, created }: ModelsRouteDeps) {
  // OpenAI's four keys only, so strict clients and Paddler's shape stay as they were.
  const entry = (id: string) => ({ id, object: "model" as const, created, owned_by: "paddler" });
  const served = () => {
    const entries: ReturnType<typeof entry>[] = [];
    for (const pool of fleet.storedPools()) {
      const loaded = registry
        .snapshots(pool)
        .some((agent) => agent.state_application_status === "Applied" && agent.slots_total > 0);
      const cluster = fleet.cluster(pool);
      if (!loaded || !cluster) continue;
      const id = pool === DEFAULT_MODEL_POOL ? modelId(cluster.desired.model) : pool;
      if (id) entries.push(entry(id));
      for (const alias of fleet.aliasesOf(pool)) entries.push(entry(alias));
    }
    // Agents in front of HTTP servers serve what those servers list, whatever the desired model.
    const ids = new Set(entries.map((item) => item.id));
    for (const agent of registry.snapshots()) {
      if (agent.slots_total === 0) continue;
      for (const model of agent.engine?.served_models ?? []) {
        if (!ids.has(model)) entries.push(entry(model));
        ids.add(model);
      }
    }
    return entries;
  };
  return new Hono()
    .get("/models", (c) => c.json({ object: "list", data: served() }))
    .get("/models/:model{.+}", (c) => {
      const model = served().find((candidate) => candidate.id === c.req.param("model"));
      if (!model)
        throw new OpenAIError({
          message: `The model '${c.req.param("model")}' is not served by this cluster now`,
          status: 404,
          type: "invalid_request_error",
          param: "model",
          code: "model_not_found",
        });
      return c.json(model);
    });
}

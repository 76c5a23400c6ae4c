import { Hono } from "hono";
import type { AgentRegistry } from "../../agents/agent-registry.js";
import type { ClusterState } from "../../cluster/cluster-state.js";
import { modelId } from "../model-id.js";
import { OpenAIError } from "../openai-error.js";

export interface ModelsRouteDeps {
  registry: AgentRegistry;
  cluster: ClusterState;
  created: number;
}

/**
 * `GET /v1/models`: the model the fleet serves now. The desired model is listed only while at
 * least one agent has applied the desired state and has slots, so a client that picks a model
 * from this list gets one that can answer; during a model switch or with no agents it is empty.
 * (`model` in requests is still accepted whatever it says: one model per cluster.)
 */
export function modelsRoute({ registry, cluster, created }: ModelsRouteDeps) {
  const served = () => {
    const id = modelId(cluster.desired.model);
    const loaded = registry
      .snapshots()
      .some((agent) => agent.state_application_status === "Applied" && agent.slots_total > 0);
    return id && loaded ? [{ id, object: "model" as const, created, owned_by: "paddler" }] : [];
  };
  return new Hono()
    .get("/models", (c) => c.json({ object: "list", data: served() }))
    .get("/models/:model{.+}", (c) => {
      const model = served().find((entry) => entry.id === c.req.param("model"));
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

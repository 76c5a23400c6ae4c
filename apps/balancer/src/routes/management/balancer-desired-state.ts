import { balancerDesiredStateSchema } from "@paddler/protocol";
import { Hono } from "hono";
import type { ClusterState } from "../../cluster/cluster-state.js";
import { parseJsonBody } from "../../http/parse-json-body.js";

export function balancerDesiredStateRoutes({ cluster }: { cluster: ClusterState }) {
  return new Hono()
    .get("/", (c) => c.json(cluster.desired))
    .put("/", async (c) => {
      const state = await parseJsonBody(c, balancerDesiredStateSchema);
      await cluster.setDesired(state);
      return c.body(null, 204);
    });
}

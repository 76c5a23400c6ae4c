import { Hono } from "hono";
import type { ClusterState } from "../../cluster/cluster-state.js";

export function balancerApplicableStateRoutes({ cluster }: { cluster: ClusterState }) {
  return new Hono().get("/", (c) => c.json(cluster.applicable));
}

import { Hono } from "hono";
import type { AgentRegistry } from "../../agents/agent-registry.js";
import { snapshotSse } from "../../http/snapshot-sse.js";

export function agentsRoutes({ registry }: { registry: AgentRegistry }) {
  const snapshot = () => ({ agents: registry.snapshots() });
  return new Hono()
    .get("/", (c) => c.json(snapshot()))
    .get("/stream", (c) =>
      snapshotSse(c, { subscribe: (listener) => registry.subscribe(listener), snapshot }),
    );
}

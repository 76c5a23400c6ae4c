import { Hono } from "hono";
import type { AgentRegistry } from "../../agents/agent-registry.js";
import { snapshotSse } from "../../http/snapshot-sse.js";
import { poolName } from "./pools.js";

/** Every agent (Paddler's meaning), or one pool's with `?pool=NAME`. */
export function agentsRoutes({ registry }: { registry: AgentRegistry }) {
  const filter = (value: string | undefined) => (value === undefined ? undefined : poolName(value));
  return new Hono()
    .get("/", (c) => c.json({ agents: registry.snapshots(filter(c.req.query("pool"))) }))
    .get("/stream", (c) => {
      const pool = filter(c.req.query("pool"));
      return snapshotSse(c, {
        subscribe: (listener) => registry.subscribe(listener),
        snapshot: () => ({ agents: registry.snapshots(pool) }),
      });
    });
}

import { Hono } from "hono";
import type { SlotPools } from "../../balancing/slot-pools.js";
import { snapshotSse } from "../../http/snapshot-sse.js";
import { poolName } from "./pools.js";

export interface BufferedRequestsRoutesDeps {
  pool: SlotPools;
  subscribe(listener: () => void): () => void;
}

/** Requests waiting in every pool's buffer (Paddler's meaning), or one pool's with `?pool=NAME`. */
export function bufferedRequestsRoutes({ pool, subscribe }: BufferedRequestsRoutesDeps) {
  const snapshotFor = (value: string | undefined) => {
    const name = value === undefined ? undefined : poolName(value);
    return () => ({
      buffered_requests_current: name === undefined ? pool.bufferedCount : pool.pool(name).bufferedCount,
    });
  };
  return new Hono()
    .get("/", (c) => c.json(snapshotFor(c.req.query("pool"))()))
    .get("/stream", (c) => snapshotSse(c, { subscribe, snapshot: snapshotFor(c.req.query("pool")) }));
}

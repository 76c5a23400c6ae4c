import { Hono } from "hono";
import type { SlotPool } from "../../balancing/slot-pool.js";
import { snapshotSse } from "../../http/snapshot-sse.js";

export interface BufferedRequestsRoutesDeps {
  pool: SlotPool;
  subscribe(listener: () => void): () => void;
}

export function bufferedRequestsRoutes({ pool, subscribe }: BufferedRequestsRoutesDeps) {
  const snapshot = () => ({ buffered_requests_current: pool.bufferedCount });
  return new Hono()
    .get("/", (c) => c.json(snapshot()))
    .get("/stream", (c) => snapshotSse(c, { subscribe, snapshot }));
}

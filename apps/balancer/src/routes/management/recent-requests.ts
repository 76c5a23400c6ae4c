import { Hono } from "hono";
import { snapshotSse } from "../../http/snapshot-sse.js";
import type { RecentRequestsStore } from "../../metrics/history/recent-requests.js";

/** The activity view's data (beyond Paddler): requests that ended, newest first; `/stream` as SSE. */
export function recentRequestsRoutes({ requests }: { requests: RecentRequestsStore }) {
  const limitOf = (value: string | undefined) => {
    const limit = Number(value ?? 50);
    return Number.isInteger(limit) && limit > 0 ? Math.min(limit, 200) : 50;
  };
  return new Hono()
    .get("/", (c) => c.json({ requests: requests.list(limitOf(c.req.query("limit"))) }))
    .get("/stream", (c) => {
      const limit = limitOf(c.req.query("limit"));
      return snapshotSse(c, {
        subscribe: (listener) => requests.subscribe(listener),
        snapshot: () => ({ requests: requests.list(limit) }),
      });
    });
}

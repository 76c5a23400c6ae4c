import type { StateDatabaseHealth } from "@paddler/state-db";
import { Hono } from "hono";

/**
 * `/health`: Paddler's plain "OK" while everything answers. While the shared state database is
 * away it still answers 200 (the balancer serves inference, so probes must not restart it) with a
 * JSON body that says what is degraded and since when.
 */
export function healthRoutes({ stateDatabaseHealth }: { stateDatabaseHealth: () => StateDatabaseHealth }) {
  return new Hono().get("/", (c) => {
    const health = stateDatabaseHealth();
    if (health.available) return c.text("OK");
    return c.json({
      status: "degraded",
      state_database: {
        available: false,
        since: new Date(health.since).toISOString(),
        reason: health.reason,
      },
    });
  });
}

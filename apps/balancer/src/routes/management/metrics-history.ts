import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { MetricsHistoryStore } from "../../metrics/history/metrics-history.js";

/**
 * The balancer's recent metrics (beyond Paddler): `GET /` the whole history (`?since=` Unix ms for
 * less), `GET /stream` SSE whose first event is `{"history": …}` (the whole history) and each
 * later one `{"update": …}` (the points of the bucket that just closed).
 */
export function metricsHistoryRoutes({
  history,
  keepAliveMs = 10_000,
}: {
  history: MetricsHistoryStore;
  keepAliveMs?: number;
}) {
  return new Hono()
    .get("/", (c) => {
      const since = Number(c.req.query("since") ?? 0);
      return c.json(history.history(Number.isFinite(since) ? since : 0));
    })
    .get("/stream", (c) =>
      streamSSE(c, async (stream) => {
        const pending: string[] = [];
        let wake: (() => void) | null = null;
        const unsubscribe = history.subscribe((update) => {
          pending.push(JSON.stringify({ update }));
          wake?.();
        });
        const keepAlive = setInterval(() => void stream.write(": keep-alive\n\n"), keepAliveMs);
        stream.onAbort(() => wake?.());
        try {
          await stream.writeSSE({ data: JSON.stringify({ history: history.history() }) });
          while (!stream.aborted && !stream.closed) {
            const data = pending.shift();
            if (data !== undefined) {
              await stream.writeSSE({ data });
              continue;
            }
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
            wake = null;
          }
        } finally {
          clearInterval(keepAlive);
          unsubscribe();
        }
      }),
    );
}

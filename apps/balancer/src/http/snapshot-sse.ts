import type { Context } from "hono";
import { streamSSE } from "hono/streaming";

export interface SnapshotSseOptions {
  subscribe(listener: () => void): () => void;
  snapshot(): unknown;
  keepAliveMs?: number;
}

/**
 * Server-sent events carrying the full snapshot on every change (Paddler's shape: `data:` JSON),
 * coalesced so a burst of changes sends one event, with a keep-alive comment every 10 s.
 */
export function snapshotSse(
  c: Context,
  { subscribe, snapshot, keepAliveMs = 10_000 }: SnapshotSseOptions,
): Response {
  return streamSSE(c, async (stream) => {
    let last = "";
    let scheduled = false;
    let wake: (() => void) | null = null;
    const send = async () => {
      const data = JSON.stringify(snapshot());
      if (data === last) return;
      last = data;
      await stream.writeSSE({ data });
    };
    const unsubscribe = subscribe(() => {
      if (scheduled) return;
      scheduled = true;
      setTimeout(() => {
        scheduled = false;
        wake?.();
      }, 20);
    });
    const keepAlive = setInterval(() => {
      void stream.write(": keep-alive\n\n");
    }, keepAliveMs);
    stream.onAbort(() => wake?.());
    try {
      await send();
      while (!stream.aborted && !stream.closed) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = null;
        if (stream.aborted) break;
        await send();
      }
    } finally {
      clearInterval(keepAlive);
      unsubscribe();
    }
  });
}

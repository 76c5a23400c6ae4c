/** The bits of a `ws` socket a heartbeat needs. */
interface PingableSocket {
  ping(): void;
  terminate(): void;
  on(event: "pong" | "message", listener: () => void): unknown;
}

function isPingable(raw: unknown): raw is PingableSocket {
  return typeof raw === "object" && raw !== null && "ping" in raw && "terminate" in raw && "on" in raw;
}

export interface HeartbeatOptions {
  /** How often to ping (Paddler: every 3 s). */
  intervalMs?: number;
  /**
   * How long without a pong or a frame before the peer counts as dead and is dropped. Agents get
   * one and a half intervals (one missed pong), so a vanished agent frees its slots fast; clients get far longer, because a
   * client whose event loop is busy for a few seconds answers late but is alive (Paddler never
   * drops a client for a missed pong).
   */
  deadAfterMs?: number;
}

/** Pings every interval and drops a peer silent for longer than `deadAfterMs`. Returns a stop function. */
export function startHeartbeat(
  raw: unknown,
  { intervalMs = 3000, deadAfterMs = 1.5 * intervalMs }: HeartbeatOptions = {},
): () => void {
  if (!isPingable(raw)) return () => {};
  let lastSignOfLife = performance.now();
  const alive = () => {
    lastSignOfLife = performance.now();
  };
  raw.on("pong", alive);
  raw.on("message", alive);
  const timer = setInterval(() => {
    if (performance.now() - lastSignOfLife > deadAfterMs) {
      raw.terminate();
      return;
    }
    try {
      raw.ping();
    } catch {
      raw.terminate();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

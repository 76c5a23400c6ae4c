/** The bits of a `ws` socket a heartbeat needs. */
interface PingableSocket {
  ping(): void;
  terminate(): void;
  on(event: "pong", listener: () => void): unknown;
}

function isPingable(raw: unknown): raw is PingableSocket {
  return typeof raw === "object" && raw !== null && "ping" in raw && "terminate" in raw && "on" in raw;
}

/**
 * Pings every interval and drops a peer that missed the previous pong, so a vanished agent or
 * client frees its slots within two intervals instead of waiting on TCP. Returns a stop function.
 */
export function startHeartbeat(raw: unknown, intervalMs = 3000): () => void {
  if (!isPingable(raw)) return () => {};
  let alive = true;
  raw.on("pong", () => {
    alive = true;
  });
  const timer = setInterval(() => {
    if (!alive) {
      raw.terminate();
      return;
    }
    alive = false;
    try {
      raw.ping();
    } catch {
      raw.terminate();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

import { createSocket } from "node:dgram";
import type { Logger } from "@paddler/logger";
import type { PaddlerGauges } from "./balancer-metrics.js";

export interface StatsdReporterOptions {
  host: string;
  port: number;
  prefix: string;
  intervalMs: number;
  gauges(): PaddlerGauges;
  logger: Logger;
}

/** StatsD gauge lines, one per metric: `{prefix}{name}:{value}|g`. */
export function statsdLines(prefix: string, gauges: PaddlerGauges): string {
  return Object.entries(gauges)
    .map(([name, value]) => `${prefix}${name}:${value}|g`)
    .join("\n");
}

/**
 * Sends Paddler's three gauges to StatsD over UDP every interval, as Paddler does with cadence.
 * A lost datagram or an unreachable server is only logged: metrics never take the balancer down.
 */
export function startStatsdReporter(options: StatsdReporterOptions): { close(): Promise<void> } {
  const socket = createSocket(options.host.includes(":") ? "udp6" : "udp4");
  socket.on("error", (error) => options.logger.warn("statsd socket error", { error }));
  socket.unref();
  const send = () => {
    socket.send(statsdLines(options.prefix, options.gauges()), options.port, options.host, (error) => {
      if (error) options.logger.debug("statsd send failed", { error });
    });
  };
  const timer = setInterval(send, options.intervalMs);
  timer.unref();
  return {
    close: () =>
      new Promise<void>((resolve) => {
        clearInterval(timer);
        socket.close(() => resolve());
      }),
  };
}

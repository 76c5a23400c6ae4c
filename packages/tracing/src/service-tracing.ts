import { startTracing, type Tracing } from "./start-tracing.js";
import { tracingSettingsFromEnv } from "./tracing-settings.js";

/** The service names traces carry unless OTEL_SERVICE_NAME says otherwise. */
export const BALANCER_SERVICE_NAME = "paddler-balancer";
export const AGENT_SERVICE_NAME = "paddler-agent";

/** What starting tracing says about itself; a service's logger fits it. */
export interface ServiceTracingLogger {
  info(message: string, fields?: Record<string, unknown>): void;
}

/**
 * Starts a service's tracing SDK when the standard OTEL_* variables ask for it (an OTLP endpoint,
 * or OTEL_TRACES_EXPORTER=otlp), else null: off by default, and then nothing is traced at all.
 * The one place both the CLI (`paddler balancer|agent|start`) and the Docker images' entry
 * scripts start tracing, so they read the same variables the same way.
 */
export function startServiceTracing(options: {
  env: Record<string, string | undefined>;
  serviceName: string;
  logger: ServiceTracingLogger;
}): Tracing | null {
  const settings = tracingSettingsFromEnv(options.env, options.serviceName);
  if (settings === null) return null;
  options.logger.info("tracing on: exporting spans over OTLP", {
    service: settings.serviceName,
    url: settings.tracesUrl,
    protocol: settings.protocol,
  });
  return startTracing(settings);
}

/** Closes a service, then exports what its tracing holds (the last requests' spans). */
export async function closeWithTracing(
  close: () => Promise<void>,
  tracings: (Tracing | null)[],
): Promise<void> {
  try {
    await close();
  } finally {
    await Promise.all(tracings.map((tracing) => tracing?.shutdown()));
  }
}

import type { Tracer } from "@opentelemetry/api";
import { OTLPTraceExporter as JsonTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as ProtobufTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from "@opentelemetry/semantic-conventions";
import type { SamplerSetting, TracingSettings } from "./tracing-settings.js";

/** A running tracing SDK: the tracer to hand to a service, and what ends it. */
export interface Tracing {
  readonly tracer: Tracer;
  readonly serviceName: string;
  /** Exports every span ended so far (tests; before a planned exit). */
  forceFlush(): Promise<void>;
  /** Exports what is left and stops; called once when the service closes. */
  shutdown(): Promise<void>;
}

export interface StartTracingOptions {
  /** The instrumentation scope's version (the service's). */
  version?: string;
  /** How long the batch waits before it exports; overrides the settings' (OTEL_BSP_SCHEDULE_DELAY). */
  scheduledDelayMillis?: number;
}

/**
 * Starts a tracer provider of its own (not the global one), so a balancer and an agent in one
 * process (`paddler start`, tests) each export under their own service name.
 */
export function startTracing(settings: TracingSettings, options: StartTracingOptions = {}): Tracing {
  const exporterConfig = { url: settings.tracesUrl, headers: settings.headers };
  const exporter =
    settings.protocol === "http/json"
      ? new JsonTraceExporter(exporterConfig)
      : new ProtobufTraceExporter(exporterConfig);
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      ...settings.resourceAttributes,
      [ATTR_SERVICE_NAME]: settings.serviceName,
      ...(options.version ? { [ATTR_SERVICE_VERSION]: options.version } : {}),
    }),
    sampler: samplerFor(settings.sampler),
    spanProcessors: [
      new BatchSpanProcessor({
        exporter,
        scheduledDelayMillis: options.scheduledDelayMillis ?? settings.scheduledDelayMillis,
      }),
    ],
  });
  return {
    tracer: provider.getTracer("paddler", options.version),
    serviceName: settings.serviceName,
    forceFlush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

function samplerFor({ name, ratio }: SamplerSetting): Sampler {
  switch (name) {
    case "always_on":
      return new AlwaysOnSampler();
    case "always_off":
      return new AlwaysOffSampler();
    case "traceidratio":
      return new TraceIdRatioBasedSampler(ratio);
    case "parentbased_always_on":
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
    case "parentbased_always_off":
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case "parentbased_traceidratio":
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
  }
}

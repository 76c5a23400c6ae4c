/** How `startTracing` exports spans; read from the standard `OTEL_*` variables by `tracingSettingsFromEnv`. */
export interface TracingSettings {
  serviceName: string;
  /** The full OTLP/HTTP traces URL (…/v1/traces). */
  tracesUrl: string;
  protocol: OtlpProtocol;
  headers: Record<string, string>;
  sampler: SamplerSetting;
  /** From OTEL_RESOURCE_ATTRIBUTES; service.name comes from `serviceName`. */
  resourceAttributes: Record<string, string>;
  /** How long spans wait in the batch before export (OTEL_BSP_SCHEDULE_DELAY; 5000 by default). */
  scheduledDelayMillis: number;
}

export const otlpProtocols = ["http/protobuf", "http/json"] as const;
export type OtlpProtocol = (typeof otlpProtocols)[number];

export const samplerNames = [
  "always_on",
  "always_off",
  "traceidratio",
  "parentbased_always_on",
  "parentbased_always_off",
  "parentbased_traceidratio",
] as const;
export type SamplerName = (typeof samplerNames)[number];
export interface SamplerSetting {
  name: SamplerName;
  /** For the ratio samplers, in [0, 1]. */
  ratio: number;
}

/** A tracing variable that cannot be used; names the variable and what it expected. */
export class TracingConfigError extends Error {
  override readonly name = "TracingConfigError";
  readonly code = "TRACING_CONFIG";
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`${variable}: ${reason}`);
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** The OTLP/HTTP port the specification names as the default. */
const defaultEndpoint = "http://localhost:4318";

function present(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === "" ? undefined : value;
}

/**
 * Tracing is off unless asked for: an OTLP endpoint is set, or OTEL_TRACES_EXPORTER=otlp.
 * OTEL_SDK_DISABLED=true and OTEL_TRACES_EXPORTER=none turn it off whatever else is set.
 * Returns null when off.
 */
export function tracingSettingsFromEnv(env: Env, defaultServiceName: string): TracingSettings | null {
  if (present(env, "OTEL_SDK_DISABLED")?.toLowerCase() === "true") return null;
  const exporters = present(env, "OTEL_TRACES_EXPORTER")
    ?.split(",")
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name !== "");
  const unsupported = exporters?.find((name) => name !== "otlp" && name !== "none");
  if (unsupported !== undefined) {
    throw new TracingConfigError("OTEL_TRACES_EXPORTER", `expected otlp or none, got '${unsupported}'`);
  }
  const tracesEndpoint = present(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
  const endpoint = present(env, "OTEL_EXPORTER_OTLP_ENDPOINT");
  const enabled = exporters
    ? exporters.includes("otlp")
    : tracesEndpoint !== undefined || endpoint !== undefined;
  if (!enabled) return null;

  const resourceAttributes = parseKeyValueList(env, "OTEL_RESOURCE_ATTRIBUTES");
  return {
    serviceName:
      present(env, "OTEL_SERVICE_NAME") ?? resourceAttributes["service.name"] ?? defaultServiceName,
    tracesUrl: tracesEndpoint
      ? checkedUrl("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", tracesEndpoint)
      : `${checkedUrl("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint ?? defaultEndpoint).replace(/\/+$/, "")}/v1/traces`,
    protocol: protocolFrom(env),
    headers: {
      ...parseKeyValueList(env, "OTEL_EXPORTER_OTLP_HEADERS"),
      ...parseKeyValueList(env, "OTEL_EXPORTER_OTLP_TRACES_HEADERS"),
    },
    sampler: samplerFrom(env),
    resourceAttributes,
    scheduledDelayMillis: scheduleDelayFrom(env),
  };
}

function checkedUrl(variable: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TracingConfigError(variable, `expected an http(s) URL, got '${value}'`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TracingConfigError(variable, `expected an http(s) URL, got '${value}'`);
  }
  return value;
}

function protocolFrom(env: Env): OtlpProtocol {
  for (const variable of ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"]) {
    const value = present(env, variable);
    if (value === undefined) continue;
    if ((otlpProtocols as readonly string[]).includes(value)) return value as OtlpProtocol;
    throw new TracingConfigError(
      variable,
      `expected ${otlpProtocols.join(" or ")}, got '${value}'${value === "grpc" ? " (gRPC export is not supported)" : ""}`,
    );
  }
  // The specification's default.
  return "http/protobuf";
}

function samplerFrom(env: Env): SamplerSetting {
  const value = present(env, "OTEL_TRACES_SAMPLER")?.toLowerCase() ?? "parentbased_always_on";
  if (!(samplerNames as readonly string[]).includes(value)) {
    throw new TracingConfigError(
      "OTEL_TRACES_SAMPLER",
      `expected one of ${samplerNames.join(", ")}, got '${value}'`,
    );
  }
  const argument = present(env, "OTEL_TRACES_SAMPLER_ARG");
  const ratio = argument === undefined ? 1 : Number(argument);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    throw new TracingConfigError(
      "OTEL_TRACES_SAMPLER_ARG",
      `expected a ratio from 0 to 1, got '${argument}'`,
    );
  }
  return { name: value as SamplerName, ratio };
}

function scheduleDelayFrom(env: Env): number {
  const value = present(env, "OTEL_BSP_SCHEDULE_DELAY");
  if (value === undefined) return 5000;
  const delay = Number(value);
  if (!Number.isInteger(delay) || delay < 0) {
    throw new TracingConfigError(
      "OTEL_BSP_SCHEDULE_DELAY",
      `expected milliseconds (an integer >= 0), got '${value}'`,
    );
  }
  return delay;
}

/** `key1=value1,key2=value2` with percent-encoded values (the W3C baggage form the spec uses). */
function parseKeyValueList(env: Env, variable: string): Record<string, string> {
  const value = present(env, variable);
  const entries: Record<string, string> = {};
  if (value === undefined) return entries;
  for (const item of value.split(",")) {
    if (item.trim() === "") continue;
    const equals = item.indexOf("=");
    if (equals <= 0) throw new TracingConfigError(variable, `expected key=value pairs, got '${item.trim()}'`);
    try {
      entries[decodeURIComponent(item.slice(0, equals).trim())] = decodeURIComponent(
        item.slice(equals + 1).trim(),
      );
    } catch {
      throw new TracingConfigError(variable, `'${item.trim()}' is not percent-encoded correctly`);
    }
  }
  return entries;
}

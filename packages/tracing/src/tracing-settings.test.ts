import { describe, expect, it } from "vitest";
import { TracingConfigError, tracingSettingsFromEnv } from "./tracing-settings.js";

describe("tracingSettingsFromEnv", () => {
  it("is off by default", () => {
    expect(tracingSettingsFromEnv({}, "paddler-balancer")).toBeNull();
    expect(tracingSettingsFromEnv({ OTEL_SERVICE_NAME: "x" }, "paddler-balancer")).toBeNull();
  });

  it("turns on with an OTLP endpoint and exports to its /v1/traces", () => {
    expect(
      tracingSettingsFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/" }, "paddler-agent"),
    ).toMatchObject({
      serviceName: "paddler-agent",
      tracesUrl: "http://collector:4318/v1/traces",
      protocol: "http/protobuf",
      sampler: { name: "parentbased_always_on", ratio: 1 },
      scheduledDelayMillis: 5000,
    });
  });

  it("takes a traces endpoint as it is, and OTEL_TRACES_EXPORTER=otlp alone with the default endpoint", () => {
    expect(
      tracingSettingsFromEnv({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://x.example/t" }, "s")?.tracesUrl,
    ).toBe("https://x.example/t");
    expect(tracingSettingsFromEnv({ OTEL_TRACES_EXPORTER: "otlp" }, "s")?.tracesUrl).toBe(
      "http://localhost:4318/v1/traces",
    );
  });

  it("stays off with OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none, whatever else is set", () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318" };
    expect(tracingSettingsFromEnv({ ...endpoint, OTEL_SDK_DISABLED: "true" }, "s")).toBeNull();
    expect(tracingSettingsFromEnv({ ...endpoint, OTEL_TRACES_EXPORTER: "none" }, "s")).toBeNull();
  });

  it("reads the service name, headers, protocol, sampler, resource attributes and batch delay", () => {
    const settings = tracingSettingsFromEnv(
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318",
        OTEL_SERVICE_NAME: "edge-balancer",
        OTEL_EXPORTER_OTLP_HEADERS: "authorization=Bearer%20abc,x-a=1",
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: "x-a=2",
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
        OTEL_TRACES_SAMPLER_ARG: "0.25",
        OTEL_RESOURCE_ATTRIBUTES: "deployment.environment=prod,service.name=ignored",
        OTEL_BSP_SCHEDULE_DELAY: "100",
      },
      "paddler-balancer",
    );
    expect(settings).toEqual({
      serviceName: "edge-balancer",
      tracesUrl: "http://c:4318/v1/traces",
      protocol: "http/json",
      headers: { authorization: "Bearer abc", "x-a": "2" },
      sampler: { name: "parentbased_traceidratio", ratio: 0.25 },
      resourceAttributes: { "deployment.environment": "prod", "service.name": "ignored" },
      scheduledDelayMillis: 100,
    });
  });

  it.each([
    [{ OTEL_TRACES_EXPORTER: "zipkin" }, "OTEL_TRACES_EXPORTER: expected otlp or none, got 'zipkin'"],
    [{ OTEL_TRACES_EXPORTER: "otlp", OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" }, "OTEL_EXPORTER_OTLP_PROTOCOL"],
    [
      { OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" },
      "OTEL_EXPORTER_OTLP_ENDPOINT: expected an http(s) URL",
    ],
    [
      { OTEL_TRACES_EXPORTER: "otlp", OTEL_TRACES_SAMPLER: "sometimes" },
      "OTEL_TRACES_SAMPLER: expected one of",
    ],
    [{ OTEL_TRACES_EXPORTER: "otlp", OTEL_TRACES_SAMPLER_ARG: "2" }, "OTEL_TRACES_SAMPLER_ARG"],
    [{ OTEL_TRACES_EXPORTER: "otlp", OTEL_EXPORTER_OTLP_HEADERS: "novalue" }, "OTEL_EXPORTER_OTLP_HEADERS"],
  ])("names the variable it cannot use: %j", (env, message) => {
    expect(() => tracingSettingsFromEnv(env, "s")).toThrow(TracingConfigError);
    expect(() => tracingSettingsFromEnv(env, "s")).toThrow(message);
  });
});

export {
  AGENT_SERVICE_NAME,
  BALANCER_SERVICE_NAME,
  closeWithTracing,
  type ServiceTracingLogger,
  startServiceTracing,
} from "./service-tracing.js";
export { type StartTracingOptions, startTracing, type Tracing } from "./start-tracing.js";
export { carrierForSpan, contextFromCarrier, type TraceCarrier, traceLogFields } from "./trace-carrier.js";
export {
  type OtlpProtocol,
  otlpProtocols,
  type SamplerName,
  type SamplerSetting,
  samplerNames,
  TracingConfigError,
  type TracingSettings,
  tracingSettingsFromEnv,
} from "./tracing-settings.js";

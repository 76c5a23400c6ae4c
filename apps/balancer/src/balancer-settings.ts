import { defaultAutoscalingRule } from "./autoscaling/desired-agents.js";
import { defaultRequestLimits } from "./dispatch/request-limits.js";
import { defaultServeLimits } from "./http/serve-app.js";

export interface ServiceAddr {
  host: string;
  port: number;
}

/** What the balancer needs to start; the CLI's BalancerConfig has this shape. */
export interface BalancerSettings {
  inferenceAddr: ServiceAddr | null;
  managementAddr: ServiceAddr;
  webAdminPanelAddr: ServiceAddr | null;
  compatOpenaiAddr: ServiceAddr | null;
  stateDatabase: string;
  maxBufferedRequests: number;
  bufferedRequestTimeoutMs: number;
  inferenceItemTimeoutMs: number;
  inferenceCorsAllowedHosts: readonly string[];
  managementCorsAllowedHosts: readonly string[];
  statsdPrefix: string;
  // Everything below is optional so embedders and tests keep working; the CLI sets it all.
  statsdAddr?: ServiceAddr | null;
  statsdReportingIntervalMs?: number;
  /** Bearer keys of the inference and OpenAI services; none means no authentication (Paddler). */
  inferenceApiKeys?: readonly string[];
  managementToken?: string | null;
  /** A JSON file of pools, aliases and routing rules applied at start-up (see `applyFleetFile`). */
  fleetFile?: string | null;
  agentJoinSecret?: string | null;
  maxRequestBodyBytes?: number;
  maxPromptChars?: number;
  maxConversationMessages?: number;
  maxEmbeddingDocuments?: number;
  maxWebSocketFrameBytes?: number;
  maxWebSocketConnections?: number;
  requestTimeoutMs?: number;
  requestHeadersTimeoutMs?: number;
  /** How long close() lets running requests finish before it cuts them off. */
  shutdownGracePeriodMs?: number;
  /** Consecutive failures that leave an agent out for a cool-down; 0 disables the breaker. */
  circuitBreakerFailures?: number;
  circuitBreakerWindowMs?: number;
  circuitBreakerCooldownMs?: number;
  /** The autoscaling rule's inputs (see autoscaling/desired-agents.ts). */
  autoscalingTargetUtilization?: number;
  autoscalingSlotsPerAgent?: number;
  autoscalingScaleUpWaitMs?: number;
}

/** The defaults of the optional settings, matching the CLI's except where noted. */
export const balancerSettingsDefaults = {
  statsdAddr: null,
  statsdReportingIntervalMs: 10_000,
  inferenceApiKeys: [],
  managementToken: null,
  agentJoinSecret: null,
  fleetFile: null,
  maxRequestBodyBytes: 10 * 1024 * 1024,
  ...defaultRequestLimits,
  maxWebSocketFrameBytes: defaultServeLimits.maxWebSocketPayload,
  maxWebSocketConnections: defaultServeLimits.maxWebSocketConnections,
  requestTimeoutMs: defaultServeLimits.requestTimeoutMs,
  requestHeadersTimeoutMs: defaultServeLimits.headersTimeoutMs,
  // Embedders and tests close at once, as before; the CLI's --shutdown-grace-period defaults to 30 s.
  shutdownGracePeriodMs: 0,
  circuitBreakerFailures: 5,
  circuitBreakerWindowMs: 60_000,
  circuitBreakerCooldownMs: 30_000,
  autoscalingTargetUtilization: defaultAutoscalingRule.targetUtilization,
  autoscalingSlotsPerAgent: defaultAutoscalingRule.slotsPerAgent,
  autoscalingScaleUpWaitMs: defaultAutoscalingRule.scaleUpWaitMs,
} satisfies Required<Omit<BalancerSettings, keyof RequiredSettings>>;

type RequiredSettings = Pick<
  BalancerSettings,
  | "inferenceAddr"
  | "managementAddr"
  | "webAdminPanelAddr"
  | "compatOpenaiAddr"
  | "stateDatabase"
  | "maxBufferedRequests"
  | "bufferedRequestTimeoutMs"
  | "inferenceItemTimeoutMs"
  | "inferenceCorsAllowedHosts"
  | "managementCorsAllowedHosts"
  | "statsdPrefix"
>;

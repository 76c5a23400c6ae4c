import { readFileSync } from "node:fs";
import {
  type Addr,
  addrFlagSchema,
  type FlagDefinition,
  helpFlag,
  integerFlagSchema,
  type LogFormatChoice,
  type LogLevel,
  logFormatFlag,
  logFormatFlagSchema,
  logLevelFlag,
  logLevelFlagSchema,
  readFlags,
  renderHelp,
  validateFlags,
} from "@paddler/cli-flags";
import { z } from "zod";
import { resolveSecrets, type SecretFlags } from "./resolve-secrets.js";
import { resolveStateDatabaseUrl, type StateDatabaseFlags } from "./resolve-state-database-url.js";

export interface BalancerConfig {
  /** Always set from the command line today; null is kept for embedders that run no inference service. */
  inferenceAddr: Addr | null;
  managementAddr: Addr;
  webAdminPanelAddr: Addr | null;
  compatOpenaiAddr: Addr | null;
  stateDatabase: string;
  /** `--fleet-file`: pools, aliases and routing rules applied at start-up; null when not given. */
  fleetFile: string | null;
  maxBufferedRequests: number;
  bufferedRequestTimeoutMs: number;
  inferenceItemTimeoutMs: number;
  inferenceCorsAllowedHosts: string[];
  managementCorsAllowedHosts: string[];
  statsdAddr: Addr | null;
  statsdPrefix: string;
  statsdReportingIntervalMs: number;
  logLevel: LogLevel;
  /** `auto`: readable lines on a terminal, JSON lines otherwise. */
  logFormat: LogFormatChoice;
  /** Bearer keys accepted by the inference and OpenAI services; empty means no authentication (Paddler's default). */
  inferenceApiKeys: string[];
  /** Bearer token of the management service (and the panel); null means none. */
  managementToken: string | null;
  /** Secret every agent must present to join; null means any agent may join. */
  agentJoinSecret: string | null;
  maxRequestBodyBytes: number;
  maxPromptChars: number;
  maxConversationMessages: number;
  maxEmbeddingDocuments: number;
  maxWebSocketFrameBytes: number;
  maxWebSocketConnections: number;
  requestTimeoutMs: number;
  requestHeadersTimeoutMs: number;
  shutdownGracePeriodMs: number;
  circuitBreakerFailures: number;
  circuitBreakerWindowMs: number;
  circuitBreakerCooldownMs: number;
  autoscalingTargetUtilization: number;
  autoscalingSlotsPerAgent: number;
  autoscalingScaleUpWaitMs: number;
}

/**
 * The balancer's four service addresses. `paddler start` runs the same balancer and reuses them,
 * turning the two optional services on and wording them for a one-process cluster.
 */
export const balancerAddrFlags = {
  inference: {
    name: "inference-addr",
    valueName: "host:port",
    default: "127.0.0.1:8061",
    description: "Inference service address",
  },
  management: {
    name: "management-addr",
    valueName: "host:port",
    default: "127.0.0.1:8060",
    description: "Management service address (agents connect here)",
  },
  /** Off unless given. */
  webAdminPanel: {
    name: "web-admin-panel-addr",
    valueName: "host:port",
    description: "Web admin panel address",
  },
  /** Off unless given. */
  compatOpenai: {
    name: "compat-openai-addr",
    valueName: "host:port",
    description: "OpenAI-compatible service address",
  },
} as const satisfies Record<string, FlagDefinition>;

/** Paddler's `paddler balancer` flags and defaults; parsing, defaults and `--help` all come from here. */
export const balancerFlags: readonly FlagDefinition[] = [
  balancerAddrFlags.inference,
  balancerAddrFlags.management,
  balancerAddrFlags.webAdminPanel,
  balancerAddrFlags.compatOpenai,
  {
    name: "state-database",
    valueName: "url",
    env: "PADDLER_STATE_DATABASE",
    // Not `default`, so that a URL read from --state-database-file can be told apart from it.
    defaultDescription: "memory://",
    description:
      "Where the desired state is kept: memory://, file:///absolute/path.json or postgres://user:password@host:port/database (shared by several balancers)",
  },
  {
    name: "state-database-file",
    valueName: "path",
    description: "File holding the state database URL (keeps a password off the command line)",
  },
  {
    name: "fleet-file",
    valueName: "path",
    env: "PADDLER_FLEET_FILE",
    description: "JSON file of model pools, aliases, routing rules and pool policies to apply at start-up",
  },
  {
    name: "max-buffered-requests",
    valueName: "count",
    default: "30",
    description: "Requests waiting for a free slot before 503; 0 disables buffering",
  },
  {
    name: "buffered-request-timeout",
    valueName: "ms",
    default: "10000",
    description: "How long a request waits for a free slot before 504",
  },
  {
    name: "inference-item-timeout",
    valueName: "ms",
    default: "30000",
    description: "Longest gap between two tokens or embeddings before 504",
  },
  {
    name: "inference-cors-allowed-host",
    valueName: "origin",
    repeatable: true,
    description: "Origin allowed to call the inference and OpenAI services",
  },
  {
    name: "management-cors-allowed-host",
    valueName: "origin",
    repeatable: true,
    description: "Origin allowed to call the management service",
  },
  {
    name: "statsd-addr",
    valueName: "host:port",
    description: "StatsD server to report metrics to",
  },
  {
    name: "statsd-prefix",
    valueName: "prefix",
    default: "paddler_",
    description: "Prefix of every StatsD metric name",
  },
  {
    name: "statsd-reporting-interval",
    valueName: "ms",
    default: "10000",
    description: "How often metrics are sent to StatsD",
  },
  {
    name: "inference-api-key",
    valueName: "key",
    repeatable: true,
    env: "PADDLER_INFERENCE_API_KEYS",
    envSeparator: ",",
    description: "Bearer key the inference and OpenAI services accept; none given means no authentication",
  },
  {
    name: "inference-api-keys-file",
    valueName: "path",
    description: "File with one inference API key per line (added to --inference-api-key)",
  },
  {
    name: "management-token",
    valueName: "token",
    env: "PADDLER_MANAGEMENT_TOKEN",
    description: "Bearer token the management service and the admin panel require",
  },
  {
    name: "management-token-file",
    valueName: "path",
    description: "File holding the management token",
  },
  {
    name: "agent-join-secret",
    valueName: "secret",
    env: "PADDLER_AGENT_JOIN_SECRET",
    description: "Secret agents must present to join (the agent's --agent-join-secret)",
  },
  {
    name: "agent-join-secret-file",
    valueName: "path",
    description: "File holding the agent join secret",
  },
  {
    name: "max-request-body-size",
    valueName: "bytes",
    default: String(10 * 1024 * 1024),
    description: "Largest HTTP request body before 413",
  },
  {
    name: "max-prompt-length",
    valueName: "chars",
    default: String(1024 * 1024),
    description: "Most characters of text in one prompt or conversation before 400",
  },
  {
    name: "max-conversation-messages",
    valueName: "count",
    default: "4096",
    description: "Most messages in one conversation before 400",
  },
  {
    name: "max-embedding-documents",
    valueName: "count",
    default: "4096",
    description: "Most documents in one embedding batch before 400",
  },
  {
    name: "max-websocket-frame-size",
    valueName: "bytes",
    default: String(50 * 1024 * 1024),
    description: "Largest WebSocket frame; a bigger one closes the socket with 1009",
  },
  {
    name: "max-websocket-connections",
    valueName: "count",
    default: "1024",
    description: "Open WebSockets per service before new ones get 503",
  },
  {
    name: "request-timeout",
    valueName: "ms",
    default: "30000",
    description: "Time a client has to send a whole request (headers and body) before 408",
  },
  {
    name: "request-headers-timeout",
    valueName: "ms",
    default: "10000",
    description: "Time a client has to send the request headers before 408",
  },
  {
    name: "shutdown-grace-period",
    valueName: "ms",
    default: "30000",
    description: "On SIGTERM, how long running requests may finish before the balancer stops",
  },
  {
    name: "circuit-breaker-failures",
    valueName: "count",
    default: "5",
    description: "Consecutive failures that leave an agent out of dispatch for a cool-down; 0 disables",
  },
  {
    name: "circuit-breaker-window",
    valueName: "ms",
    default: "60000",
    description: "Failures further apart than this do not add up",
  },
  {
    name: "circuit-breaker-cooldown",
    valueName: "ms",
    default: "30000",
    description: "How long a failing agent is left out before one trial request",
  },
  {
    name: "autoscaling-target-utilization",
    valueName: "fraction",
    default: "0.8",
    description: "Share of slots the autoscaling signal aims to keep busy (0 < u <= 1)",
  },
  {
    name: "autoscaling-slots-per-agent",
    valueName: "count",
    default: "4",
    description: "Slots one new agent brings, for the autoscaling signal while a pool has none to learn from",
  },
  {
    name: "autoscaling-scale-up-wait",
    valueName: "ms",
    default: "2000",
    description: "A buffered request older than this asks the autoscaling signal for one more agent",
  },
  logLevelFlag,
  logFormatFlag,
  helpFlag,
];

export const balancerHelp = renderHelp({
  usage: "paddler balancer [flags]",
  summary: "Runs the balancer: it queues inference requests and hands them to agents with free slots.",
  flags: balancerFlags,
});

const corsHostsSchema = z.array(z.string().min(1, { error: "a non-empty origin" }));
const nullableAddr = addrFlagSchema.optional().transform((addr) => addr ?? null);
// Paddler takes 0 for both timeouts (an immediate 504); a 0 reporting interval would spin.
const timeoutMs = integerFlagSchema({ min: 0 });

/** The one schema of the balancer command line, keyed by flag name. */
const balancerFlagsSchema = z
  .object({
    "inference-addr": addrFlagSchema,
    "management-addr": addrFlagSchema,
    "web-admin-panel-addr": nullableAddr,
    "compat-openai-addr": nullableAddr,
    "state-database": z.string().optional(),
    "state-database-file": z.string().min(1).optional(),
    "fleet-file": z.string().min(1).optional(),
    "max-buffered-requests": integerFlagSchema({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    "buffered-request-timeout": timeoutMs,
    "inference-item-timeout": timeoutMs,
    "inference-cors-allowed-host": corsHostsSchema,
    "management-cors-allowed-host": corsHostsSchema,
    "statsd-addr": nullableAddr,
    "statsd-prefix": z.string(),
    "statsd-reporting-interval": integerFlagSchema({ min: 1 }),
    "log-level": logLevelFlagSchema,
    "log-format": logFormatFlagSchema,
    "inference-api-key": z.array(z.string().min(1, { error: "a non-empty key" })),
    "inference-api-keys-file": z.string().min(1).optional(),
    "management-token": z.string().min(1, { error: "a non-empty token" }).optional(),
    "management-token-file": z.string().min(1).optional(),
    "agent-join-secret": z.string().min(1, { error: "a non-empty secret" }).optional(),
    "agent-join-secret-file": z.string().min(1).optional(),
    "max-request-body-size": integerFlagSchema({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    "max-prompt-length": integerFlagSchema({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    "max-conversation-messages": integerFlagSchema({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    "max-embedding-documents": integerFlagSchema({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    // ws keeps the limit in a 32-bit-safe integer; 2 GiB is beyond any sane frame.
    "max-websocket-frame-size": integerFlagSchema({ min: 1, max: 2 ** 31 }),
    "max-websocket-connections": integerFlagSchema({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    "request-timeout": integerFlagSchema({ min: 1 }),
    "request-headers-timeout": integerFlagSchema({ min: 1 }),
    "shutdown-grace-period": timeoutMs,
    "circuit-breaker-failures": integerFlagSchema({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    "circuit-breaker-window": integerFlagSchema({ min: 1 }),
    "circuit-breaker-cooldown": integerFlagSchema({ min: 1 }),
    "autoscaling-target-utilization": z.coerce
      .number({ error: "a number above 0 and at most 1" })
      .gt(0, { error: "a number above 0 and at most 1" })
      .lte(1, { error: "a number above 0 and at most 1" }),
    "autoscaling-slots-per-agent": integerFlagSchema({ min: 1 }),
    "autoscaling-scale-up-wait": timeoutMs,
  })
  .transform(
    (
      flags,
    ): Omit<BalancerConfig, "inferenceApiKeys" | "managementToken" | "agentJoinSecret" | "stateDatabase"> & {
      secretFlags: SecretFlags;
      stateDatabaseFlags: StateDatabaseFlags;
    } => ({
      inferenceAddr: flags["inference-addr"],
      managementAddr: flags["management-addr"],
      webAdminPanelAddr: flags["web-admin-panel-addr"],
      compatOpenaiAddr: flags["compat-openai-addr"],
      stateDatabaseFlags: {
        url: flags["state-database"] ?? null,
        file: flags["state-database-file"] ?? null,
      },
      fleetFile: flags["fleet-file"] ?? null,
      maxBufferedRequests: flags["max-buffered-requests"],
      bufferedRequestTimeoutMs: flags["buffered-request-timeout"],
      inferenceItemTimeoutMs: flags["inference-item-timeout"],
      inferenceCorsAllowedHosts: flags["inference-cors-allowed-host"],
      managementCorsAllowedHosts: flags["management-cors-allowed-host"],
      statsdAddr: flags["statsd-addr"],
      statsdPrefix: flags["statsd-prefix"],
      statsdReportingIntervalMs: flags["statsd-reporting-interval"],
      logLevel: flags["log-level"],
      logFormat: flags["log-format"],
      maxRequestBodyBytes: flags["max-request-body-size"],
      maxPromptChars: flags["max-prompt-length"],
      maxConversationMessages: flags["max-conversation-messages"],
      maxEmbeddingDocuments: flags["max-embedding-documents"],
      maxWebSocketFrameBytes: flags["max-websocket-frame-size"],
      maxWebSocketConnections: flags["max-websocket-connections"],
      requestTimeoutMs: flags["request-timeout"],
      // Node requires the headers timeout to be no longer than the whole request's.
      requestHeadersTimeoutMs: Math.min(flags["request-headers-timeout"], flags["request-timeout"]),
      shutdownGracePeriodMs: flags["shutdown-grace-period"],
      circuitBreakerFailures: flags["circuit-breaker-failures"],
      circuitBreakerWindowMs: flags["circuit-breaker-window"],
      circuitBreakerCooldownMs: flags["circuit-breaker-cooldown"],
      autoscalingTargetUtilization: flags["autoscaling-target-utilization"],
      autoscalingSlotsPerAgent: flags["autoscaling-slots-per-agent"],
      autoscalingScaleUpWaitMs: flags["autoscaling-scale-up-wait"],
      secretFlags: {
        inferenceApiKeys: flags["inference-api-key"],
        inferenceApiKeysFile: flags["inference-api-keys-file"] ?? null,
        managementToken: flags["management-token"] ?? null,
        managementTokenFile: flags["management-token-file"] ?? null,
        agentJoinSecret: flags["agent-join-secret"] ?? null,
        agentJoinSecretFile: flags["agent-join-secret-file"] ?? null,
      },
    }),
  );

/**
 * Reads `paddler balancer` flags (and their `PADDLER_*` variables from `env`, and the secret
 * files named by `--*-file` flags through `readFile`). Throws `CliUsageError`
 * naming the flag on any mistake. `--help` is accepted and ignored here: the caller prints
 * `balancerHelp` when `isHelpRequested(argv, balancerFlags)`.
 */
export function parseBalancerConfig(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  options: { readFile?: (path: string) => string } = {},
): BalancerConfig {
  const { readFile = (path: string) => readFileSync(path, "utf8") } = options;
  const { secretFlags, stateDatabaseFlags, ...config } = validateFlags(
    balancerFlagsSchema,
    readFlags({ argv, env, flags: balancerFlags }),
  );
  return {
    ...config,
    ...resolveSecrets(secretFlags, readFile),
    stateDatabase: resolveStateDatabaseUrl(stateDatabaseFlags, readFile),
  };
}

import {
  type Addr,
  addrFlagSchema,
  type FlagDefinition,
  integerFlagSchema,
  type LogLevel,
  logLevelFlagSchema,
  readFlags,
  renderHelp,
  validateFlags,
} from "@paddler/cli-flags";
import { parseStateDatabaseUrl, StateDatabaseUrlError } from "@paddler/state-db";
import { z } from "zod";

export interface BalancerConfig {
  /** Always set from the command line today; null is kept for embedders that run no inference service. */
  inferenceAddr: Addr | null;
  managementAddr: Addr;
  webAdminPanelAddr: Addr | null;
  compatOpenaiAddr: Addr | null;
  stateDatabase: string;
  maxBufferedRequests: number;
  bufferedRequestTimeoutMs: number;
  inferenceItemTimeoutMs: number;
  inferenceCorsAllowedHosts: string[];
  managementCorsAllowedHosts: string[];
  statsdAddr: Addr | null;
  statsdPrefix: string;
  statsdReportingIntervalMs: number;
  logLevel: LogLevel;
}

/** Paddler's `paddler balancer` flags and defaults; parsing, defaults and `--help` all come from here. */
export const balancerFlags: readonly FlagDefinition[] = [
  {
    name: "inference-addr",
    valueName: "host:port",
    default: "127.0.0.1:8061",
    description: "Inference service address",
  },
  {
    name: "management-addr",
    valueName: "host:port",
    default: "127.0.0.1:8060",
    description: "Management service address (agents connect here)",
  },
  {
    name: "web-admin-panel-addr",
    valueName: "host:port",
    description: "Web admin panel address",
  },
  {
    name: "compat-openai-addr",
    valueName: "host:port",
    description: "OpenAI-compatible service address",
  },
  {
    name: "state-database",
    valueName: "url",
    default: "memory://",
    description: "Where the desired state is kept: memory:// or file:///absolute/path.json",
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
    name: "log-level",
    valueName: "level",
    default: "info",
    env: "PADDLER_LOG_LEVEL",
    description: "debug, info, warn or error",
  },
  { name: "help", short: "h", description: "Print this help and exit" },
];

export const balancerHelp = renderHelp({
  usage: "paddler balancer [flags]",
  summary: "Runs the balancer: it queues inference requests and hands them to agents with free slots.",
  flags: balancerFlags,
});

const stateDatabaseFlagSchema = z.string().superRefine((url, context) => {
  try {
    parseStateDatabaseUrl(url);
  } catch (error) {
    if (!(error instanceof StateDatabaseUrlError)) {
      throw error;
    }
    context.addIssue({ code: "custom", message: "memory:// or file:///absolute/path.json" });
  }
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
    "state-database": stateDatabaseFlagSchema,
    "max-buffered-requests": integerFlagSchema({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    "buffered-request-timeout": timeoutMs,
    "inference-item-timeout": timeoutMs,
    "inference-cors-allowed-host": corsHostsSchema,
    "management-cors-allowed-host": corsHostsSchema,
    "statsd-addr": nullableAddr,
    "statsd-prefix": z.string(),
    "statsd-reporting-interval": integerFlagSchema({ min: 1 }),
    "log-level": logLevelFlagSchema,
  })
  .transform(
    (flags): BalancerConfig => ({
      inferenceAddr: flags["inference-addr"],
      managementAddr: flags["management-addr"],
      webAdminPanelAddr: flags["web-admin-panel-addr"],
      compatOpenaiAddr: flags["compat-openai-addr"],
      stateDatabase: flags["state-database"],
      maxBufferedRequests: flags["max-buffered-requests"],
      bufferedRequestTimeoutMs: flags["buffered-request-timeout"],
      inferenceItemTimeoutMs: flags["inference-item-timeout"],
      inferenceCorsAllowedHosts: flags["inference-cors-allowed-host"],
      managementCorsAllowedHosts: flags["management-cors-allowed-host"],
      statsdAddr: flags["statsd-addr"],
      statsdPrefix: flags["statsd-prefix"],
      statsdReportingIntervalMs: flags["statsd-reporting-interval"],
      logLevel: flags["log-level"],
    }),
  );

/**
 * Reads `paddler balancer` flags (and `PADDLER_LOG_LEVEL` from `env`). Throws `CliUsageError`
 * naming the flag on any mistake. `--help` is accepted and ignored here: the caller prints
 * `balancerHelp` when `isHelpRequested(argv, balancerFlags)`.
 */
export function parseBalancerConfig(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): BalancerConfig {
  return validateFlags(balancerFlagsSchema, readFlags({ argv, env, flags: balancerFlags }));
}

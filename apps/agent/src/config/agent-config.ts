import { availableParallelism } from "node:os";
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
import { DEFAULT_MODEL_POOL, modelPoolNameSchema } from "@paddler/protocol";
import { z } from "zod";

export interface AgentConfig {
  /** The balancer's management service, where the agent socket connects. */
  managementAddr: Addr;
  /** Display name in the admin panel and `generated_by`; null when not given. */
  name: string | null;
  /** Parallel requests of any kind; becomes llama.cpp `n_seq_max`. */
  slots: number;
  /** CPU threads for llama.cpp. */
  threads: number;
  logLevel: LogLevel;
  /** `auto`: readable lines on a terminal, JSON lines otherwise. */
  logFormat: LogFormatChoice;
  /** Presented to the balancer on connect (its `--agent-join-secret`); null when not given. */
  agentJoinSecret: string | null;
  /** On SIGTERM, how long running requests may finish before the agent stops. */
  shutdownGracePeriodMs: number;
  /** The model pool it joins (`default`: Paddler's one cluster). */
  pool: string;
}

/** Paddler's `paddler agent` flags, plus `--threads`; parsing, defaults and `--help` all come from here. */
export const agentFlags: readonly FlagDefinition[] = [
  {
    name: "management-addr",
    valueName: "host:port",
    required: true,
    description: "The balancer's management address",
  },
  { name: "name", valueName: "name", description: "Name shown in the admin panel and in responses" },
  {
    name: "slots",
    valueName: "count",
    required: true,
    description: "Requests served in parallel (llama.cpp sequences)",
  },
  {
    name: "threads",
    valueName: "count",
    defaultDescription: "half the CPU cores, at least 1",
    description: "CPU threads for llama.cpp",
  },
  {
    name: "agent-join-secret",
    valueName: "secret",
    env: "PADDLER_AGENT_JOIN_SECRET",
    description: "Secret the balancer asks of agents (its --agent-join-secret)",
  },
  {
    name: "shutdown-grace-period",
    valueName: "ms",
    default: "30000",
    description: "On SIGTERM, how long running requests may finish before the agent stops",
  },
  {
    name: "pool",
    valueName: "name",
    default: DEFAULT_MODEL_POOL,
    env: "PADDLER_POOL",
    description: "Model pool to serve (the balancer's fleet settings may move the agent to another)",
  },
  logLevelFlag,
  logFormatFlag,
  helpFlag,
];

export const agentHelp = renderHelp({
  usage: "paddler agent --management-addr <host:port> --slots <count> [flags]",
  summary: "Runs an agent: it loads the model the balancer asks for and serves its requests.",
  flags: agentFlags,
});

// Paddler's slots are an i32.
const countSchema = integerFlagSchema({ min: 1, max: 2_147_483_647 });

function agentFlagsSchema(defaultThreads: number) {
  return z
    .object({
      "management-addr": addrFlagSchema,
      name: z.string().min(1, { error: "a non-empty name" }).optional(),
      slots: countSchema,
      threads: countSchema.optional(),
      "log-level": logLevelFlagSchema,
      "log-format": logFormatFlagSchema,
      "agent-join-secret": z.string().min(1, { error: "a non-empty secret" }).optional(),
      "shutdown-grace-period": integerFlagSchema({ min: 0 }),
      pool: modelPoolNameSchema,
    })
    .transform(
      (flags): AgentConfig => ({
        managementAddr: flags["management-addr"],
        name: flags.name ?? null,
        slots: flags.slots,
        threads: flags.threads ?? defaultThreads,
        logLevel: flags["log-level"],
        logFormat: flags["log-format"],
        agentJoinSecret: flags["agent-join-secret"] ?? null,
        shutdownGracePeriodMs: flags["shutdown-grace-period"],
        pool: flags.pool,
      }),
    );
}

/**
 * Reads `paddler agent` flags (and `PADDLER_LOG_LEVEL` from `env`). Throws `CliUsageError` naming
 * the flag on any mistake. `availableCores` (default: `os.availableParallelism()`) sets the
 * default of `--threads`. `--help` is accepted and ignored here: the caller prints `agentHelp`
 * when `isHelpRequested(argv, agentFlags)`.
 */
export function parseAgentConfig(
  argv: readonly string[],
  env: Record<string, string | undefined>,
  options: { availableCores?: number } = {},
): AgentConfig {
  const { availableCores = availableParallelism() } = options;
  const defaultThreads = Math.max(1, Math.floor(availableCores / 2));
  return validateFlags(agentFlagsSchema(defaultThreads), readFlags({ argv, env, flags: agentFlags }));
}

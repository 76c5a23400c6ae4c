import { availableParallelism } from "node:os";
import {
  type Addr,
  addrFlagSchema,
  CliUsageError,
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
import { type EngineChoice, engineChoiceFromFlags } from "./engine-choice.js";

export interface AgentConfig {
  /** The balancer's management service, where the agent socket connects. */
  managementAddr: Addr;
  /** Every `--management-addr`, the first one being `managementAddr`. */
  managementAddrs: Addr[];
  /** Display name in the admin panel and `generated_by`; null when not given. */
  name: string | null;
  /**
   * Parallel requests of any kind; becomes llama.cpp `n_seq_max`. In front of an external
   * llama-server it is optional: 0 then means as many as the server has.
   */
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
  /** The built-in llama.cpp engine unless a flag names another. */
  engine: EngineChoice;
  /** A reload waits at most this long for running requests, then cancels them and reloads. */
  drainTimeoutMs: number;
}

/** Paddler's `paddler agent` flags, plus `--threads`; parsing, defaults and `--help` all come from here. */
export const agentFlags: readonly FlagDefinition[] = [
  {
    name: "management-addr",
    valueName: "host:port",
    required: true,
    repeatable: true,
    description:
      "The balancer's management address; give it once per balancer, or one name that resolves to every balancer (re-resolved every 10 s)",
  },
  { name: "name", valueName: "name", description: "Name shown in the admin panel and in responses" },
  {
    name: "slots",
    valueName: "count",
    description:
      "Requests served in parallel (llama.cpp sequences); required except with --llamacpp-addr, where it caps the server's slots",
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
  {
    name: "llamacpp-addr",
    valueName: "host:port",
    description:
      "Serve through a llama-server running there (Paddler 1.x mode); its slots and model are the agent's",
  },
  {
    name: "local-llamacpp-host",
    valueName: "host",
    description: "Paddler 1.x spelling of --llamacpp-addr's host",
  },
  {
    name: "local-llamacpp-port",
    valueName: "port",
    description: "Paddler 1.x spelling of --llamacpp-addr's port",
  },
  {
    name: "llama-server-binary",
    valueName: "path",
    env: "PADDLER_LLAMA_SERVER_BINARY",
    description: "Start this llama-server with the cluster's desired state instead of the built-in engine",
  },
  {
    name: "openai-upstream",
    valueName: "url",
    description: "Serve through an OpenAI-compatible server (vLLM, Ollama, llama-swap, another Paddler)",
  },
  {
    name: "openai-api-key",
    valueName: "key",
    env: "PADDLER_OPENAI_API_KEY",
    description: "API key for --openai-upstream (prefer the variable or --openai-api-key-file)",
  },
  {
    name: "openai-api-key-file",
    valueName: "path",
    description: "File holding the API key for --openai-upstream",
  },
  {
    name: "drain-timeout",
    valueName: "ms",
    default: "30000",
    description:
      "A reload waits at most this long for running requests, then cancels them (each gets an error) and reloads",
  },
  logLevelFlag,
  logFormatFlag,
  helpFlag,
];

export const agentHelp = renderHelp({
  usage:
    "paddler agent --management-addr <host:port> (--slots <count> | --llamacpp-addr <host:port>) [flags]",
  summary: "Runs an agent: it loads the model the balancer asks for and serves its requests.",
  flags: agentFlags,
});

function firstOf(addrs: Addr[]): Addr {
  const [first] = addrs;
  if (first === undefined) throw new Error("the schema requires one --management-addr at least");
  return first;
}

// Paddler's slots are an i32.
const countSchema = integerFlagSchema({ min: 1, max: 2_147_483_647 });

function agentFlagsSchema(defaultThreads: number) {
  return z
    .object({
      "management-addr": z.array(addrFlagSchema).min(1, { error: "at least one host:port" }),
      name: z.string().min(1, { error: "a non-empty name" }).optional(),
      slots: countSchema.optional(),
      threads: countSchema.optional(),
      "log-level": logLevelFlagSchema,
      "log-format": logFormatFlagSchema,
      "agent-join-secret": z.string().min(1, { error: "a non-empty secret" }).optional(),
      "shutdown-grace-period": integerFlagSchema({ min: 0 }),
      pool: modelPoolNameSchema,
      "llamacpp-addr": addrFlagSchema.optional(),
      "local-llamacpp-host": z.string().min(1, { error: "a host name or address" }).optional(),
      "local-llamacpp-port": integerFlagSchema({ min: 1, max: 65_535 }).optional(),
      "llama-server-binary": z.string().min(1, { error: "a path" }).optional(),
      "openai-upstream": z.url({ protocol: /^https?$/, error: "an http(s) URL" }).optional(),
      "openai-api-key": z.string().min(1, { error: "a non-empty key" }).optional(),
      "openai-api-key-file": z.string().min(1, { error: "a path" }).optional(),
      "drain-timeout": integerFlagSchema({ min: 0 }),
    })
    .transform((flags): AgentConfig => {
      const engine = engineChoiceFromFlags(flags);
      if (flags.slots === undefined && engine.kind !== "LlamaServerExternal")
        throw new CliUsageError("--slots is required; see --help", {
          flag: "--slots",
        });
      return {
        managementAddr: firstOf(flags["management-addr"]),
        managementAddrs: flags["management-addr"],
        name: flags.name ?? null,
        slots: flags.slots ?? 0,
        threads: flags.threads ?? defaultThreads,
        logLevel: flags["log-level"],
        logFormat: flags["log-format"],
        agentJoinSecret: flags["agent-join-secret"] ?? null,
        shutdownGracePeriodMs: flags["shutdown-grace-period"],
        pool: flags.pool,
        drainTimeoutMs: flags["drain-timeout"],
        engine,
      };
    });
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

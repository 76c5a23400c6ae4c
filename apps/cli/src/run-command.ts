import { homedir } from "node:os";
import { fileURLToPath } from "node:url";
import { agentFlags, agentHelp, defaultCacheDir, parseAgentConfig, startAgent } from "@paddler/agent";
import { balancerFlags, balancerHelp, parseBalancerConfig, startBalancer } from "@paddler/balancer";
import { CliUsageError, isHelpRequested } from "@paddler/cli-flags";
import { createLogger } from "@paddler/logger";
import { startFirstLookCluster } from "./first-look-cluster.js";
import { paddlerHelp } from "./paddler-help.js";

/** What a command leaves behind: text to print and exit, or services to close on a signal. */
export type CommandOutcome = { kind: "print"; text: string } | { kind: "running"; close(): Promise<void> };

export interface RunCommandOptions {
  argv: readonly string[];
  env: Record<string, string | undefined>;
}

/** The bundled test model, next to the repository: `../shared/models/stories260K.gguf`. */
const bundledModelPath = fileURLToPath(
  new URL("../../../../shared/models/stories260K.gguf", import.meta.url),
);

/** Parses `paddler <command> [flags]` and starts what it names. Usage mistakes throw with code CLI_USAGE. */
export async function runCommand({ argv, env }: RunCommandOptions): Promise<CommandOutcome> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
      throw new CliUsageError("missing command; see paddler --help");
    case "help":
    case "--help":
    case "-h":
      return { kind: "print", text: paddlerHelp };
    case "balancer": {
      if (isHelpRequested(rest, balancerFlags)) {
        return { kind: "print", text: balancerHelp };
      }
      const config = parseBalancerConfig(rest, env);
      const balancer = await startBalancer({ config, logger: createLogger({ level: config.logLevel }) });
      return { kind: "running", close: () => balancer.close() };
    }
    case "agent": {
      if (isHelpRequested(rest, agentFlags)) {
        return { kind: "print", text: agentHelp };
      }
      const config = parseAgentConfig(rest, env);
      const agent = await startAgent({
        config,
        logger: createLogger({ level: config.logLevel }),
        cacheDir: defaultCacheDir(env, homedir()),
        huggingFaceToken: env.HF_TOKEN || undefined,
        shutdownGraceMs: config.shutdownGracePeriodMs,
      });
      return { kind: "running", close: () => agent.close() };
    }
    case "start": {
      if (rest.length > 0) {
        if (rest.includes("--help") || rest.includes("-h")) {
          return { kind: "print", text: paddlerHelp };
        }
        throw new CliUsageError(`start takes no flags, got '${rest[0]}'; see paddler --help`);
      }
      const cluster = await startFirstLookCluster({
        modelPath: bundledModelPath,
        cacheDir: defaultCacheDir(env, homedir()),
        env,
      });
      return { kind: "running", close: () => cluster.close() };
    }
    default:
      throw new CliUsageError(`unknown command '${command}'; see paddler --help`);
  }
}

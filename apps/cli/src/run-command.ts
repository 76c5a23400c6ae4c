import { homedir } from "node:os";
import { fileURLToPath } from "node:url";
import {
  agentFlags,
  agentHelp,
  defaultCacheDir,
  huggingFaceSettingsFromEnv,
  parseAgentConfig,
  startAgent,
} from "@paddler/agent";
import { balancerFlags, balancerHelp, parseBalancerConfig, startBalancer } from "@paddler/balancer";
import { CliUsageError, isHelpRequested, type LogFormatChoice, resolveLogFormat } from "@paddler/cli-flags";
import { createLogger, type Logger, type LogLevel } from "@paddler/logger";
import {
  AGENT_SERVICE_NAME,
  BALANCER_SERVICE_NAME,
  closeWithTracing,
  startServiceTracing,
  type Tracing,
} from "@paddler/tracing";
import { startFirstLookCluster } from "./first-look-cluster.js";
import { paddlerHelp } from "./paddler-help.js";
import { modelArgumentToDesiredModel } from "./start/model-argument.js";
import { parseStartConfig, startFlags, startHelp } from "./start/start-flags.js";

/**
 * What a command leaves behind: text to print and exit, or services to close on a signal (and
 * lines for the person at the terminal, such as the admin panel's address).
 */
export type CommandOutcome =
  | { kind: "print"; text: string }
  | { kind: "running"; close(): Promise<void>; banner?: string };

export interface RunCommandOptions {
  argv: readonly string[];
  env: Record<string, string | undefined>;
  /** Where logs go (stderr); a terminal gets readable lines and progress bars. */
  logStream?: NodeJS.WriteStream;
  cwd?: string;
}

/** The test model shipped in the repository (models/README.md). */
const bundledModelPath = fileURLToPath(new URL("../../../models/stories260K.gguf", import.meta.url));

function createCommandLogger(level: LogLevel, format: LogFormatChoice, stream: NodeJS.WriteStream): Logger {
  const isTerminal = stream.isTTY === true;
  return createLogger({
    level,
    format: resolveLogFormat(format, isTerminal),
    colorize: isTerminal,
    write: (line) => stream.write(line),
  });
}

/** Parses `paddler <command> [flags]` and starts what it names. Usage mistakes throw with code CLI_USAGE. */
export async function runCommand({
  argv,
  env,
  logStream = process.stderr,
  cwd = process.cwd(),
}: RunCommandOptions): Promise<CommandOutcome> {
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
      const logger = createCommandLogger(config.logLevel, config.logFormat, logStream);
      const tracing = startServiceTracing({ env, serviceName: BALANCER_SERVICE_NAME, logger });
      const balancer = await closeOnFailure(
        () => startBalancer({ config, logger, tracer: tracing?.tracer }),
        [tracing],
      );
      const panel = balancer.addresses.webAdminPanel;
      return {
        kind: "running",
        close: () => closeWithTracing(() => balancer.close(), [tracing]),
        ...(panel ? { banner: `Admin panel: http://${panel}` } : {}),
      };
    }
    case "agent": {
      if (isHelpRequested(rest, agentFlags)) {
        return { kind: "print", text: agentHelp };
      }
      const config = parseAgentConfig(rest, env);
      const huggingFace = huggingFaceSettingsFromEnv(env);
      const logger = createCommandLogger(config.logLevel, config.logFormat, logStream);
      const tracing = startServiceTracing({ env, serviceName: AGENT_SERVICE_NAME, logger });
      const agent = await closeOnFailure(
        () =>
          startAgent({
            config,
            logger,
            cacheDir: defaultCacheDir(env, homedir()),
            huggingFaceEndpoint: huggingFace.endpoint,
            huggingFaceToken: huggingFace.token,
            shutdownGraceMs: config.shutdownGracePeriodMs,
            tracer: tracing?.tracer,
          }),
        [tracing],
      );
      return { kind: "running", close: () => closeWithTracing(() => agent.close(), [tracing]) };
    }
    case "start": {
      if (isHelpRequested(rest, startFlags)) {
        return { kind: "print", text: startHelp };
      }
      const config = parseStartConfig(rest, env);
      const model = config.model === null ? null : modelArgumentToDesiredModel(config.model, cwd);
      const huggingFace = huggingFaceSettingsFromEnv(env);
      const logger = createCommandLogger(config.logLevel, config.logFormat, logStream);
      const tracings = [
        startServiceTracing({ env, serviceName: BALANCER_SERVICE_NAME, logger }),
        startServiceTracing({ env, serviceName: AGENT_SERVICE_NAME, logger }),
      ] as const;
      const cluster = await closeOnFailure(
        () =>
          startFirstLookCluster({
            config,
            model,
            bundledModelPath,
            cacheDir: defaultCacheDir(env, homedir()),
            logger,
            env,
            huggingFaceEndpoint: huggingFace.endpoint,
            huggingFaceToken: huggingFace.token,
            progressStream: logStream,
            tracers: { balancer: tracings[0]?.tracer, agent: tracings[1]?.tracer },
          }),
        [...tracings],
      );
      return {
        kind: "running",
        close: () => closeWithTracing(() => cluster.close(), [...tracings]),
        banner: `Admin panel: ${cluster.adminPanelUrl}`,
      };
    }
    default:
      throw new CliUsageError(`unknown command '${command}'; see paddler --help`);
  }
}

/** A service that fails to start leaves no tracing SDK behind (its exporter's timers keep a process alive). */
async function closeOnFailure<T>(start: () => Promise<T>, tracings: (Tracing | null)[]): Promise<T> {
  try {
    return await start();
  } catch (error) {
    await Promise.all(tracings.map((tracing) => tracing?.shutdown()));
    throw error;
  }
}

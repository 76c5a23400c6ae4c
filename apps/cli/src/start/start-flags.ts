import { balancerAddrFlags } from "@paddler/balancer";
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

export interface StartConfig {
  /** What `--model` named, as typed; null for the bundled test model. */
  model: string | null;
  inferenceAddr: Addr;
  managementAddr: Addr;
  webAdminPanelAddr: Addr;
  compatOpenaiAddr: Addr;
  slots: number;
  threads: number;
  logLevel: LogLevel;
  logFormat: LogFormatChoice;
}

/** `paddler start`'s flags: the model and the four service addresses, with the README's defaults. */
export const startFlags: readonly FlagDefinition[] = [
  {
    name: "model",
    valueName: "path|URL|hf://owner/repo/file.gguf",
    defaultDescription: "the bundled test model, models/stories260K.gguf",
    description: "The model to serve: a local GGUF file, an http(s) URL or a Hugging Face file",
  },
  // The balancer's own address flags; start serves all four services, so the optional two get defaults.
  { ...balancerAddrFlags.inference, description: "Inference API" },
  { ...balancerAddrFlags.management, description: "Management API (the agent connects here)" },
  { ...balancerAddrFlags.webAdminPanel, default: "127.0.0.1:8062", description: "Admin panel" },
  { ...balancerAddrFlags.compatOpenai, default: "127.0.0.1:8063", description: "OpenAI-compatible API" },
  { name: "slots", valueName: "count", default: "4", description: "Requests the agent serves at once" },
  { name: "threads", valueName: "count", default: "1", description: "CPU threads for llama.cpp" },
  logLevelFlag,
  logFormatFlag,
  helpFlag,
];

const countSchema = integerFlagSchema({ min: 1, max: 2_147_483_647 });

const startFlagsSchema = z
  .object({
    model: z.string().min(1, { error: "a path, URL or hf:// reference" }).optional(),
    "inference-addr": addrFlagSchema,
    "management-addr": addrFlagSchema,
    "web-admin-panel-addr": addrFlagSchema,
    "compat-openai-addr": addrFlagSchema,
    slots: countSchema,
    threads: countSchema,
    "log-level": logLevelFlagSchema,
    "log-format": logFormatFlagSchema,
  })
  .transform(
    (flags): StartConfig => ({
      model: flags.model ?? null,
      inferenceAddr: flags["inference-addr"],
      managementAddr: flags["management-addr"],
      webAdminPanelAddr: flags["web-admin-panel-addr"],
      compatOpenaiAddr: flags["compat-openai-addr"],
      slots: flags.slots,
      threads: flags.threads,
      logLevel: flags["log-level"],
      logFormat: flags["log-format"],
    }),
  );

/** Reads `paddler start` flags; mistakes throw `CliUsageError` naming the flag. */
export function parseStartConfig(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): StartConfig {
  return validateFlags(startFlagsSchema, readFlags({ argv, env, flags: startFlags }));
}

export const startHelp = renderHelp({
  usage: "paddler start [--model <path|URL|hf://owner/repo/file.gguf>] [flags]",
  summary:
    "Starts a local cluster in one process: a balancer with all four services and one agent. Without --model it serves the bundled test model.",
  flags: startFlags,
});

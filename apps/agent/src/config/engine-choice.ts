import { readFileSync } from "node:fs";
import { type Addr, CliUsageError } from "@paddler/cli-flags";

/** Which engine an agent runs, from its flags. */
export type EngineChoice =
  | { kind: "LlamaCpp" }
  /** A llama-server someone else runs (Paddler 1.x mode). */
  | { kind: "LlamaServerExternal"; addr: Addr }
  /** A llama-server the agent starts itself from this binary. */
  | { kind: "LlamaServerManaged"; binary: string }
  /** Any OpenAI-compatible server. */
  | { kind: "OpenAIUpstream"; url: string; apiKey: string | null };

export interface EngineFlags {
  "llamacpp-addr"?: Addr;
  "local-llamacpp-host"?: string;
  "local-llamacpp-port"?: number;
  "llama-server-binary"?: string;
  "openai-upstream"?: string;
  "openai-api-key"?: string;
  "openai-api-key-file"?: string;
}

function readKeyFile(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new CliUsageError(`--openai-api-key-file: cannot read ${path}: ${(error as Error).message}`, {
      flag: "--openai-api-key-file",
    });
  }
  const key = text.trim();
  if (key === "")
    throw new CliUsageError(`--openai-api-key-file: ${path} is empty`, { flag: "--openai-api-key-file" });
  return key;
}

/** Picks the engine the flags ask for; more than one engine is a usage error naming them. */
export function engineChoiceFromFlags(flags: EngineFlags): EngineChoice {
  const localHost = flags["local-llamacpp-host"];
  const localPort = flags["local-llamacpp-port"];
  if ((localHost === undefined) !== (localPort === undefined))
    throw new CliUsageError("--local-llamacpp-host and --local-llamacpp-port go together", {
      flag: localHost === undefined ? "--local-llamacpp-host" : "--local-llamacpp-port",
    });
  const external =
    flags["llamacpp-addr"] ??
    (localHost !== undefined && localPort !== undefined ? { host: localHost, port: localPort } : undefined);
  const given = [
    external ? "--llamacpp-addr" : null,
    flags["llama-server-binary"] ? "--llama-server-binary" : null,
    flags["openai-upstream"] ? "--openai-upstream" : null,
  ].filter((flag): flag is string => flag !== null);
  if (given.length > 1)
    throw new CliUsageError(`${given.join(" and ")} choose different engines; give one`, {
      flag: given[1] ?? "",
    });
  if (external) return { kind: "LlamaServerExternal", addr: external };
  if (flags["llama-server-binary"])
    return { kind: "LlamaServerManaged", binary: flags["llama-server-binary"] };
  const upstream = flags["openai-upstream"];
  if (upstream) {
    const keyFile = flags["openai-api-key-file"];
    return {
      kind: "OpenAIUpstream",
      url: upstream,
      apiKey: keyFile ? readKeyFile(keyFile) : (flags["openai-api-key"] ?? null),
    };
  }
  return { kind: "LlamaCpp" };
}

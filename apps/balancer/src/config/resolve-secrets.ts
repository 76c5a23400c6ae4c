import { CliUsageError } from "@paddler/cli-flags";
import type { BalancerConfig } from "./balancer-config.js";

/** The secret flags as given; files are read after validation. */
export interface SecretFlags {
  inferenceApiKeys: string[];
  inferenceApiKeysFile: string | null;
  managementToken: string | null;
  managementTokenFile: string | null;
  agentJoinSecret: string | null;
  agentJoinSecretFile: string | null;
}

/** Non-empty lines of a secrets file; `#` starts a comment line. The file's content is never echoed. */
function readSecretLines(flag: string, path: string, readFile: (path: string) => string): string[] {
  let text: string;
  try {
    text = readFile(path);
  } catch (error) {
    throw new CliUsageError(
      `--${flag}: cannot read '${path}' (${(error as NodeJS.ErrnoException).code ?? "error"})`,
      {
        flag: `--${flag}`,
        cause: error,
      },
    );
  }
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

function singleSecret(options: {
  value: string | null;
  file: string | null;
  flag: string;
  readFile: (path: string) => string;
}): string | null {
  if (options.file === null) return options.value;
  if (options.value !== null)
    throw new CliUsageError(`--${options.flag} and --${options.flag}-file: give only one`, {
      flag: `--${options.flag}-file`,
    });
  const [secret, ...rest] = readSecretLines(`${options.flag}-file`, options.file, options.readFile);
  if (secret === undefined || rest.length > 0)
    throw new CliUsageError(
      `--${options.flag}-file: expected exactly one non-empty line in '${options.file}'`,
      {
        flag: `--${options.flag}-file`,
      },
    );
  return secret;
}

export function resolveSecrets(
  flags: SecretFlags,
  readFile: (path: string) => string,
): Pick<BalancerConfig, "inferenceApiKeys" | "managementToken" | "agentJoinSecret"> {
  const fromFile =
    flags.inferenceApiKeysFile === null
      ? []
      : readSecretLines("inference-api-keys-file", flags.inferenceApiKeysFile, readFile);
  return {
    inferenceApiKeys: [...new Set([...flags.inferenceApiKeys, ...fromFile])],
    managementToken: singleSecret({
      value: flags.managementToken,
      file: flags.managementTokenFile,
      flag: "management-token",
      readFile,
    }),
    agentJoinSecret: singleSecret({
      value: flags.agentJoinSecret,
      file: flags.agentJoinSecretFile,
      flag: "agent-join-secret",
      readFile,
    }),
  };
}

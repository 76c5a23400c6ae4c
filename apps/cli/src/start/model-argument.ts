import { resolve } from "node:path";
import { CliUsageError } from "@paddler/cli-flags";
import { type AgentDesiredModel, agentDesiredModelFromUri, ModelUriError } from "@paddler/protocol";

const huggingFaceReference = /^hf:\/\/([^/]+)\/([^/@]+)\/([^@]+?)(?:@(.+))?$/;

/**
 * Turns `--model` into the desired model: `hf://owner/repo/file.gguf[@revision]` and
 * huggingface.co URLs are Hugging Face files, other http(s) URLs are downloads, anything else is
 * a file on this machine (relative to the working directory, made absolute for the agent).
 */
export function modelArgumentToDesiredModel(argument: string, cwd: string): AgentDesiredModel {
  const hf = huggingFaceReference.exec(argument);
  if (hf) {
    const [, owner, repo, filename, revision] = hf;
    return {
      HuggingFace: { repo_id: `${owner}/${repo}`, filename: filename ?? "", revision: revision ?? "main" },
    };
  }
  if (argument.startsWith("hf://")) {
    throw new CliUsageError(`--model: expected hf://owner/repo/file.gguf[@revision], got '${argument}'`, {
      flag: "--model",
    });
  }
  if (/^https?:\/\//.test(argument)) {
    try {
      return agentDesiredModelFromUri(argument);
    } catch (error) {
      if (error instanceof ModelUriError)
        throw new CliUsageError(`--model: ${error.message}`, { flag: "--model", cause: error });
      throw error;
    }
  }
  return { LocalToAgent: resolve(cwd, argument) };
}

import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { modelPathIssue } from "@paddler/protocol";
import { ModelSourceError } from "./model-source-error.js";

/**
 * `LocalToAgent`: the path is used as given, so it only has to name a file. Whether that file is a
 * loadable GGUF is the engine's call (`ModelCannotBeLoaded`).
 */
export async function resolveLocalModel(modelPath: string): Promise<string> {
  try {
    const info = await stat(modelPath);
    if (info.isFile()) return modelPath;
  } catch (error) {
    // A relative path is read from the agent's working directory: name both, so the fix is plain.
    throw new ModelSourceError(modelPathIssue("ModelFileDoesNotExist", modelPath), {
      cause: error,
      message: `no model file at ${resolve(modelPath)} (given as '${modelPath}'; the agent's working directory is ${process.cwd()})`,
    });
  }
  throw new ModelSourceError(modelPathIssue("ModelFileDoesNotExist", modelPath), {
    message: `${modelPath} is not a file`,
  });
}

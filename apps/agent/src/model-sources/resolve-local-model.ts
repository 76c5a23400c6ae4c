import { stat } from "node:fs/promises";
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
    throw new ModelSourceError(modelPathIssue("ModelFileDoesNotExist", modelPath), { cause: error });
  }
  throw new ModelSourceError(modelPathIssue("ModelFileDoesNotExist", modelPath), {
    message: `${modelPath} is not a file`,
  });
}

import type { AgentDesiredModel } from "@paddler/protocol";
import type { DownloadProgress } from "./download-progress.js";
import { defaultHuggingFaceEndpoint } from "./hugging-face-settings.js";
import { resolveHuggingFaceModel } from "./resolve-hugging-face-model.js";
import { resolveLocalModel } from "./resolve-local-model.js";
import { resolveUrlModel } from "./resolve-url-model.js";

export interface ResolveModelOptions {
  model: AgentDesiredModel;
  /** See `defaultCacheDir`. */
  cacheDir: string;
  /** Stops a download; the `.part` stays so the next call resumes. Rejects with the signal's reason. */
  signal: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
  fetch?: typeof fetch;
  /** See `huggingFaceSettingsFromEnv`. */
  huggingFaceEndpoint?: string;
  huggingFaceToken?: string;
}

/**
 * Resolves a desired model to a local GGUF path, downloading it into the cache if needed.
 * `null` for `"None"`. Failures are `ModelSourceError`s carrying the AgentIssue to report;
 * an abort rejects with `signal.reason`.
 */
export async function resolveModelPath({
  model,
  cacheDir,
  signal,
  onProgress,
  fetch = globalThis.fetch,
  huggingFaceEndpoint = defaultHuggingFaceEndpoint,
  huggingFaceToken,
}: ResolveModelOptions): Promise<string | null> {
  if (model === "None") return null;
  if ("LocalToAgent" in model) return resolveLocalModel(model.LocalToAgent);
  if ("Url" in model) {
    return resolveUrlModel({ url: model.Url.url, cacheDir, signal, fetch, onProgress });
  }
  return resolveHuggingFaceModel({
    reference: model.HuggingFace,
    cacheDir,
    signal,
    fetch,
    endpoint: huggingFaceEndpoint.replace(/\/+$/, ""),
    token: huggingFaceToken,
    onProgress,
  });
}

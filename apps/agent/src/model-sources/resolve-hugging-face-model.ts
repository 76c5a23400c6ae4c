import path from "node:path";
import { type HuggingFaceModelReference, modelPathIssue } from "@paddler/protocol";
import { DownloadFailure } from "./download-failure.js";
import type { DownloadProgress } from "./download-progress.js";
import { downloadToCache } from "./download-to-cache.js";
import { huggingFaceDownloadIssueTags, issueForDownloadFailure } from "./issue-for-download-failure.js";
import { ModelSourceError } from "./model-source-error.js";

export interface ResolveHuggingFaceModelOptions {
  reference: HuggingFaceModelReference;
  cacheDir: string;
  signal: AbortSignal;
  fetch: typeof fetch;
  /** Without a trailing slash, e.g. `https://huggingface.co`. */
  endpoint: string;
  token?: string | undefined;
  onProgress?: ((progress: DownloadProgress) => void) | undefined;
}

/**
 * Splits a repo id, revision or file name into path segments, refusing any that would climb out of
 * the cache (`..`) or that no Hub name contains.
 */
function safeSegments(value: string): string[] | undefined {
  const segments = value.split("/");
  const ok = segments.every((s) => s !== "" && s !== "." && s !== ".." && !/[\\\0]/.test(s));
  return ok ? segments : undefined;
}

/** `HuggingFace`: `{endpoint}/{repo_id}/resolve/{revision}/{filename}`, cached per repo and revision. */
export async function resolveHuggingFaceModel(options: ResolveHuggingFaceModelOptions): Promise<string> {
  const { repo_id, revision, filename } = options.reference;
  // What the user typed, so the issue reads the same as the form they filled in.
  const modelPath = `${repo_id}/${filename}`;
  const repo = safeSegments(repo_id);
  const file = safeSegments(filename);
  const rev = safeSegments(revision);
  let url: string | undefined;
  try {
    const base = new URL(options.endpoint);
    if (repo && file && rev && (base.protocol === "http:" || base.protocol === "https:")) {
      const encoded = (segments: string[]) => segments.map(encodeURIComponent).join("/");
      // A revision such as `refs/pr/1` is one path segment on the Hub.
      url = `${base.toString().replace(/\/+$/, "")}/${encoded(repo)}/resolve/${encodeURIComponent(revision)}/${encoded(file)}`;
    }
  } catch {
    url = undefined;
  }
  if (!url || !repo || !file || !rev) {
    throw new ModelSourceError(modelPathIssue("DownloadUrlIsMalformed", modelPath), {
      message: `cannot build a Hugging Face URL from ${options.endpoint}, ${repo_id}, ${revision}, ${filename}`,
    });
  }
  const destination = path.join(options.cacheDir, "huggingface", ...repo, ...rev, ...file);
  try {
    return await downloadToCache({
      url,
      destination,
      displayName: filename,
      headers: options.token ? { authorization: `Bearer ${options.token}` } : {},
      fetch: options.fetch,
      signal: options.signal,
      onProgress: options.onProgress,
    });
  } catch (error) {
    if (!(error instanceof DownloadFailure)) throw error;
    throw issueForDownloadFailure({
      failure: error,
      modelPath,
      tags: huggingFaceDownloadIssueTags,
      lockIssue: (lockPath) => ({
        HuggingFaceCannotAcquireLock: { lock_path: lockPath, model_path: { model_path: modelPath } },
      }),
    });
  }
}

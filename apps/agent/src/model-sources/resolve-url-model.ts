import { createHash } from "node:crypto";
import path from "node:path";
import { modelPathIssue } from "@paddler/protocol";
import { DownloadFailure } from "./download-failure.js";
import type { DownloadProgress } from "./download-progress.js";
import { downloadToCache } from "./download-to-cache.js";
import { issueForDownloadFailure, urlDownloadIssueTags } from "./issue-for-download-failure.js";
import { ModelSourceError } from "./model-source-error.js";

export interface ResolveUrlModelOptions {
  url: string;
  cacheDir: string;
  signal: AbortSignal;
  fetch: typeof fetch;
  onProgress?: ((progress: DownloadProgress) => void) | undefined;
}

/** The URL's last path segment made safe as a file name, so the cached path still says what it is. */
function readableFileName(url: URL): string {
  const last = url.pathname.split("/").pop() ?? "";
  let decoded = last;
  try {
    decoded = decodeURIComponent(last);
  } catch {
    // A stray `%` is not worth failing the download over; keep the raw segment.
  }
  const safe = decoded.replace(/[^A-Za-z0-9._-]/g, "_").slice(0, 200);
  return safe === "" || /^\.+$/.test(safe) ? "model.gguf" : safe;
}

/** Where a `Url` model is cached: `{cacheDir}/downloaded-models/{sha256(url)}/{file name}`. */
export function urlModelCachePath(cacheDir: string, url: string): string {
  const digest = createHash("sha256").update(url).digest("hex");
  return path.join(cacheDir, "downloaded-models", digest, readableFileName(new URL(url)));
}

/** `Url`: an http(s) GGUF downloaded once into the cache. */
export async function resolveUrlModel(options: ResolveUrlModelOptions): Promise<string> {
  const { url } = options;
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new ModelSourceError(modelPathIssue("DownloadUrlIsMalformed", url), { cause: error });
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new ModelSourceError(modelPathIssue("DownloadUrlIsMalformed", url), {
      message: `only http and https URLs can be downloaded, not ${parsed.protocol}`,
    });
  }
  const destination = urlModelCachePath(options.cacheDir, url);
  try {
    return await downloadToCache({
      url,
      destination,
      displayName: path.basename(destination),
      fetch: options.fetch,
      signal: options.signal,
      onProgress: options.onProgress,
    });
  } catch (error) {
    if (!(error instanceof DownloadFailure)) throw error;
    throw issueForDownloadFailure({
      failure: error,
      modelPath: url,
      tags: urlDownloadIssueTags,
      lockIssue: () => modelPathIssue("CacheCannotAcquireLock", url),
    });
  }
}

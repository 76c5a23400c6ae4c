import { open } from "node:fs/promises";
import { failureFromFsError } from "./classify-download-error.js";
import { DownloadFailure } from "./download-failure.js";
import type { DownloadProgress } from "./download-progress.js";
import type { RemainingBytes } from "./request-remaining-bytes.js";

export interface StreamToPartOptions {
  remaining: RemainingBytes;
  partPath: string;
  url: string;
  displayName: string;
  signal: AbortSignal;
  onProgress?: ((progress: DownloadProgress) => void) | undefined;
  /** Called now and then during a long body so the cache lock stays fresh. */
  keepLockFresh: () => Promise<void>;
}

// Holders bump the lock well inside its stale window so a slow download keeps it.
const lockRefreshEveryMs = 30_000;
// Each report becomes a status update to the balancer; one per network chunk would flood it.
const minimumReportStepBytes = 1024 * 1024;

/**
 * Appends the body to the part (or rewrites it from byte 0), chunk by chunk so the file is never held in
 * memory, and fsyncs it. A body that ends early or breaks off is `interrupted`, with the part kept so
 * the next try resumes; an abort rejects with the signal's reason.
 */
export async function streamToPart(options: StreamToPartOptions): Promise<void> {
  const { remaining, partPath, url, signal } = options;
  const { response, offset, total } = remaining;
  const reportStep = Math.max(minimumReportStepBytes, (total ?? 0) / 200);
  let reported = -1;
  const report = (current: number, force: boolean) => {
    if (!force && current - reported < reportStep) return;
    reported = current;
    options.onProgress?.({
      current,
      total: total ?? 0,
      filename: options.displayName,
      indeterminate: total === undefined,
    });
  };
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    // Offset 0 means the server sent the whole file: whatever the part held is replaced.
    handle = await open(partPath, offset > 0 ? "a" : "w");
  } catch (error) {
    await response.body?.cancel().catch(() => undefined);
    throw failureFromFsError(error, partPath);
  }
  let current = offset;
  let lastRefresh = Date.now();
  try {
    report(current, true);
    const reader = response.body?.getReader();
    while (reader) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        signal.throwIfAborted();
        throw new DownloadFailure("interrupted", {
          message: `${url} broke off after ${current} bytes`,
          cause: error,
        });
      }
      if (chunk.done) break;
      try {
        await handle.write(chunk.value);
      } catch (error) {
        await reader.cancel().catch(() => undefined);
        throw failureFromFsError(error, partPath);
      }
      current += chunk.value.byteLength;
      report(current, false);
      if (Date.now() - lastRefresh > lockRefreshEveryMs) {
        lastRefresh = Date.now();
        await options.keepLockFresh();
      }
    }
    if (total !== undefined && current !== total) {
      throw new DownloadFailure("interrupted", {
        message: `${url} ended after ${current} of ${total} bytes`,
      });
    }
    report(current, true);
    try {
      // The caller's rename publishes the file; it must not point at data still in the page cache.
      await handle.sync();
    } catch (error) {
      throw failureFromFsError(error, partPath);
    }
  } finally {
    await handle.close().catch(() => undefined);
  }
}

import { mkdir, open, rename, unlink } from "node:fs/promises";
import path from "node:path";
import { acquireCacheLock, type CacheLock } from "./cache-lock.js";
import { failureFromFsError } from "./classify-download-error.js";
import { DownloadFailure } from "./download-failure.js";
import type { DownloadProgress } from "./download-progress.js";
import { fileSizeIfExists } from "./file-size-if-exists.js";
import { hasGgufMagic } from "./has-gguf-magic.js";
import { forgetValidator, requestRemainingBytes } from "./request-remaining-bytes.js";
import { streamToPart } from "./stream-to-part.js";

export interface DownloadToCacheOptions {
  url: string;
  /** The final file; `.part` and `.lock` siblings are kept beside it. */
  destination: string;
  /** Shown in progress reports. */
  displayName: string;
  headers?: Record<string, string>;
  fetch: typeof fetch;
  signal: AbortSignal;
  onProgress?: ((progress: DownloadProgress) => void) | undefined;
}

/** Deletes a file that is not a GGUF, so the next try downloads it again, and says so. */
async function requireGguf(filePath: string, url: string): Promise<void> {
  let isGguf: boolean;
  try {
    isGguf = await hasGgufMagic(filePath);
  } catch (error) {
    throw failureFromFsError(error, filePath);
  }
  if (isGguf) return;
  await unlink(filePath).catch(() => undefined);
  throw new DownloadFailure("corrupted", { message: `${url} did not give a GGUF file` });
}

/** Makes the rename itself durable; best effort, as not every file system lets a directory be synced. */
async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, "r").catch(() => undefined);
  await handle?.sync().catch(() => undefined);
  await handle?.close().catch(() => undefined);
}

async function lockFor(destination: string): Promise<CacheLock> {
  const lockPath = `${destination}.lock`;
  let lock: CacheLock | null;
  try {
    lock = await acquireCacheLock({ lockPath });
  } catch (error) {
    throw failureFromFsError(error, lockPath);
  }
  if (!lock) {
    throw new DownloadFailure("lock_busy", { message: `${lockPath} is held by another download`, lockPath });
  }
  return lock;
}

/**
 * Downloads `url` to `destination` unless a verified copy is there. The body streams into
 * `destination.part`, resumed with a Range request where the server allows it, and is renamed into
 * place once complete and fsynced; a `.lock` keeps two agents sharing a cache from writing the same
 * part. Rejects with `DownloadFailure`, or the signal's reason on abort (the part is kept).
 */
export async function downloadToCache(options: DownloadToCacheOptions): Promise<string> {
  const { url, destination, signal } = options;
  signal.throwIfAborted();
  // The rename is atomic, so a file at `destination` is complete; no lock needed to read it.
  if ((await fileSizeIfExists(destination)) !== undefined) {
    await requireGguf(destination, url);
    return destination;
  }
  try {
    await mkdir(path.dirname(destination), { recursive: true });
  } catch (error) {
    throw failureFromFsError(error, path.dirname(destination));
  }
  const lock = await lockFor(destination);
  try {
    // Another agent may have finished the file between our first look and taking the lock.
    if ((await fileSizeIfExists(destination)) !== undefined) {
      await requireGguf(destination, url);
      return destination;
    }
    const partPath = `${destination}.part`;
    const request = { url, partPath, headers: options.headers, fetch: options.fetch, signal };
    const remaining = (await requestRemainingBytes(request)) ?? (await requestRemainingBytes(request));
    if (!remaining) {
      throw new DownloadFailure("rejected", { message: `${url} keeps answering with the wrong byte range` });
    }
    await streamToPart({
      remaining,
      partPath,
      url,
      displayName: options.displayName,
      signal,
      onProgress: options.onProgress,
      keepLockFresh: () => lock.refresh(),
    });
    await requireGguf(partPath, url).catch(async (error: unknown) => {
      await forgetValidator(partPath);
      throw error;
    });
    try {
      await rename(partPath, destination);
    } catch (error) {
      throw failureFromFsError(error, destination);
    }
    await forgetValidator(partPath);
    await syncDirectory(path.dirname(destination));
    return destination;
  } finally {
    await lock.release();
  }
}

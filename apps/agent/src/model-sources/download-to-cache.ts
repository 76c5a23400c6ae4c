import { mkdir, open, rename, stat, unlink } from "node:fs/promises";
import path from "node:path";
import { acquireCacheLock } from "./cache-lock.js";
import { failureFromFsError, failureFromStatus } from "./classify-download-error.js";
import { DownloadFailure } from "./download-failure.js";
import type { DownloadProgress } from "./download-progress.js";
import { hasGgufMagic } from "./has-gguf-magic.js";

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
  lockStaleAfterMs?: number;
}

// Holders bump the lock well inside the stale window so a slow download keeps its lock.
const lockRefreshEveryMs = 30_000;

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && "code" in error && error.code === code;
}

async function sizeIfExists(filePath: string): Promise<number | undefined> {
  try {
    const info = await stat(filePath);
    return info.isFile() ? info.size : undefined;
  } catch (error) {
    // ENOTDIR: a path component is a file, so nothing is cached there (mkdir reports the real problem).
    if (isErrno(error, "ENOENT") || isErrno(error, "ENOTDIR")) return undefined;
    throw failureFromFsError(error, filePath);
  }
}

/** A finished cache entry is trusted only if it is a GGUF; otherwise it goes, so the next try downloads again. */
async function verifiedOrDeleted(filePath: string, url: string): Promise<string> {
  if (await hasGgufMagic(filePath)) return filePath;
  await unlink(filePath).catch(() => undefined);
  throw new DownloadFailure("corrupted", { message: `${url} did not give a GGUF file` });
}

/** `bytes 100-199/1000` → start 100 and total 1000 (total undefined for `*`). */
function parseContentRange(header: string | null): { start: number; total: number | undefined } | undefined {
  const match = header ? /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(header.trim()) : null;
  if (!match) return undefined;
  return { start: Number(match[1]), total: match[2] === "*" ? undefined : Number(match[2]) };
}

interface Attempt {
  response: Response;
  offset: number;
  total: number | undefined;
}

/**
 * Asks for the rest of `.part` (or all of it). Returns undefined when the part cannot be resumed
 * and was dropped, so the caller asks again from byte 0.
 */
async function request(options: DownloadToCacheOptions, partPath: string): Promise<Attempt | undefined> {
  const offset = (await sizeIfExists(partPath)) ?? 0;
  const headers: Record<string, string> = {
    ...options.headers,
    // Byte ranges and Content-Length must refer to the file itself, not a compressed encoding of it.
    "accept-encoding": "identity",
  };
  if (offset > 0) headers.range = `bytes=${offset}-`;
  let response: Response;
  try {
    response = await options.fetch(options.url, { headers, signal: options.signal, redirect: "follow" });
  } catch (error) {
    options.signal.throwIfAborted();
    throw new DownloadFailure("unreachable", { message: `cannot reach ${options.url}`, cause: error });
  }
  const length = response.headers.get("content-length");
  const contentLength = length !== null && /^\d+$/.test(length) ? Number(length) : undefined;
  if (response.status === 206) {
    const range = parseContentRange(response.headers.get("content-range"));
    if (range?.start === offset) {
      const total = range.total ?? (contentLength === undefined ? undefined : offset + contentLength);
      return { response, offset, total };
    }
  } else if (response.status === 200) {
    return { response, offset: 0, total: contentLength };
  } else if (offset === 0 || response.status !== 416) {
    await response.body?.cancel();
    throw failureFromStatus(response.status, options.url);
  }
  // A 416, or a 206 for some other range: the part does not match the remote file any more.
  await response.body?.cancel();
  await unlink(partPath);
  return undefined;
}

async function writeBody(
  attempt: Attempt,
  partPath: string,
  options: DownloadToCacheOptions,
  refreshLock: () => Promise<void>,
) {
  const { response, offset, total } = attempt;
  const report = (current: number) =>
    options.onProgress?.({
      current,
      total: total ?? 0,
      filename: options.displayName,
      indeterminate: total === undefined,
    });
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    // A 200 restarts the file: whatever the part held is replaced.
    handle = await open(partPath, offset > 0 ? "a" : "w");
  } catch (error) {
    throw failureFromFsError(error, partPath);
  }
  let current = offset;
  let lastRefresh = Date.now();
  try {
    report(current);
    const reader = response.body?.getReader();
    while (reader) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch (error) {
        options.signal.throwIfAborted();
        throw new DownloadFailure("interrupted", {
          message: `${options.url} stopped after ${current} bytes`,
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
      report(current);
      if (Date.now() - lastRefresh > lockRefreshEveryMs) {
        lastRefresh = Date.now();
        await refreshLock();
      }
    }
    if (total !== undefined && current !== total) {
      throw new DownloadFailure("interrupted", {
        message: `${options.url} ended after ${current} of ${total} bytes`,
      });
    }
    try {
      // The rename below publishes the file; it must not point at data still in the page cache.
      await handle.sync();
    } catch (error) {
      throw failureFromFsError(error, partPath);
    }
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Makes the rename itself durable; best effort, as not every file system lets a directory be synced. */
async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, "r").catch(() => undefined);
  await handle?.sync().catch(() => undefined);
  await handle?.close().catch(() => undefined);
}

/**
 * Downloads `url` to `destination` unless a verified copy is there. The body streams into
 * `destination.part`, resumed with a Range request where the server allows it; a `.lock` keeps two
 * agents sharing a cache from writing the same part. An abort keeps the part for the next try.
 */
export async function downloadToCache(options: DownloadToCacheOptions): Promise<string> {
  const { destination, signal } = options;
  signal.throwIfAborted();
  if ((await sizeIfExists(destination)) !== undefined) return verifiedOrDeleted(destination, options.url);
  try {
    await mkdir(path.dirname(destination), { recursive: true });
  } catch (error) {
    throw failureFromFsError(error, path.dirname(destination));
  }
  const lockPath = `${destination}.lock`;
  let lock: Awaited<ReturnType<typeof acquireCacheLock>>;
  try {
    lock = await acquireCacheLock({ lockPath, staleAfterMs: options.lockStaleAfterMs });
  } catch (error) {
    throw failureFromFsError(error, lockPath);
  }
  if (!lock) {
    throw new DownloadFailure("lock_busy", { message: `${lockPath} is held by another download`, lockPath });
  }
  const held = lock;
  try {
    // Another agent may have finished the file while we waited for the lock.
    if ((await sizeIfExists(destination)) !== undefined)
      return await verifiedOrDeleted(destination, options.url);
    const partPath = `${destination}.part`;
    const attempt = (await request(options, partPath)) ?? (await request(options, partPath));
    if (!attempt) {
      throw new DownloadFailure("rejected", { message: `${options.url} refused to restart the download` });
    }
    await writeBody(attempt, partPath, options, () => held.refresh());
    if (!(await hasGgufMagic(partPath))) {
      await unlink(partPath).catch(() => undefined);
      throw new DownloadFailure("corrupted", { message: `${options.url} did not give a GGUF file` });
    }
    try {
      await rename(partPath, destination);
    } catch (error) {
      throw failureFromFsError(error, destination);
    }
    await syncDirectory(path.dirname(destination));
    return destination;
  } finally {
    await held.release();
  }
}

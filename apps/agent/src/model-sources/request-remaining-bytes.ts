import { readFile, unlink, writeFile } from "node:fs/promises";
import { failureFromFsError, failureFromStatus } from "./classify-download-error.js";
import { DownloadFailure } from "./download-failure.js";
import { fileSizeIfExists } from "./file-size-if-exists.js";

export interface RequestRemainingBytesOptions {
  url: string;
  partPath: string;
  headers?: Record<string, string> | undefined;
  fetch: typeof fetch;
  signal: AbortSignal;
}

/** An answer whose body continues the part at `offset` (0: the part starts over). */
export interface RemainingBytes {
  response: Response;
  offset: number;
  /** The whole file's size; undefined when the server does not say. */
  total: number | undefined;
}

/** `bytes 100-199/1000` → start 100 and total 1000 (total undefined for `*`). */
function parseContentRange(header: string | null): { start: number; total: number | undefined } | undefined {
  const match = header ? /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(header.trim()) : null;
  if (!match) return undefined;
  return { start: Number(match[1]), total: match[2] === "*" ? undefined : Number(match[2]) };
}

/**
 * The validator of the response a part was started from, sent back as `If-Range` so a server whose file
 * has changed since answers 200 (start over) instead of splicing two versions together.
 * Weak ETags are not allowed in If-Range, so those fall back to Last-Modified.
 */
function validatorOf(response: Response): string | undefined {
  const etag = response.headers.get("etag");
  if (etag && !etag.startsWith("W/")) return etag;
  return response.headers.get("last-modified") ?? undefined;
}

const validatorPathOf = (partPath: string) => `${partPath}.validator`;

async function readValidator(partPath: string): Promise<string | undefined> {
  const text = await readFile(validatorPathOf(partPath), "utf8").catch(() => "");
  return text.trim() || undefined;
}

async function rememberValidator(partPath: string, response: Response): Promise<void> {
  const validator = validatorOf(response);
  try {
    if (validator) await writeFile(validatorPathOf(partPath), validator);
    else await unlink(validatorPathOf(partPath)).catch(() => undefined);
  } catch (error) {
    throw failureFromFsError(error, validatorPathOf(partPath));
  }
}

/** Removes the part's sidecar once the part is published or dropped. */
export async function forgetValidator(partPath: string): Promise<void> {
  await unlink(validatorPathOf(partPath)).catch(() => undefined);
}

/**
 * Asks for what `.part` lacks (all of it when there is no part). Returns undefined when the part turned
 * out not to match the remote file and was dropped, so the caller asks again from byte 0.
 */
export async function requestRemainingBytes(
  options: RequestRemainingBytesOptions,
): Promise<RemainingBytes | undefined> {
  const { url, partPath, signal } = options;
  const offset = (await fileSizeIfExists(partPath)) ?? 0;
  const headers: Record<string, string> = {
    ...options.headers,
    // Byte ranges and Content-Length must refer to the file itself, not a compressed encoding of it.
    "accept-encoding": "identity",
  };
  if (offset > 0) {
    headers.range = `bytes=${offset}-`;
    const validator = await readValidator(partPath);
    if (validator) headers["if-range"] = validator;
  }
  let response: Response;
  try {
    response = await options.fetch(url, { headers, signal, redirect: "follow" });
  } catch (error) {
    signal.throwIfAborted();
    throw new DownloadFailure("unreachable", { message: `cannot reach ${url}`, cause: error });
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
    await rememberValidator(partPath, response);
    return { response, offset: 0, total: contentLength };
  } else if (offset === 0 || response.status !== 416) {
    await response.body?.cancel();
    throw failureFromStatus(response.status, url);
  }
  // A 416, or a 206 for some other range: the part does not match the remote file any more.
  await response.body?.cancel();
  try {
    await unlink(partPath);
  } catch (error) {
    throw failureFromFsError(error, partPath);
  }
  await forgetValidator(partPath);
  return undefined;
}

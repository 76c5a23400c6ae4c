import { DownloadFailure, type DownloadFailureReason } from "./download-failure.js";

/** The failure for a non-2xx answer we cannot continue from. */
export function failureFromStatus(status: number, url: string): DownloadFailure {
  let reason: DownloadFailureReason;
  if (status === 404 || status === 410) reason = "not_found";
  else if (status === 401 || status === 403) reason = "denied";
  else if (status >= 500) reason = "server_errored";
  // Other 4xx, and 1xx/3xx that fetch did not follow, mean the server will not serve this request as sent.
  else reason = "rejected";
  return new DownloadFailure(reason, { message: `GET ${url} answered ${status}` });
}

function errnoCode(error: unknown): string | undefined {
  if (typeof error === "object" && error !== null && "code" in error && typeof error.code === "string") {
    return error.code;
  }
  return undefined;
}

/**
 * A file-system error while writing the cache. A full disk is worth telling apart (the fix is to
 * free space); everything else (EACCES, EROFS, ENOTDIR where a directory should be...) means the
 * cache directory cannot be written as configured.
 */
export function failureFromFsError(error: unknown, target: string): DownloadFailure {
  const code = errnoCode(error);
  const reason: DownloadFailureReason =
    code === "ENOSPC" || code === "EDQUOT" || code === "EFBIG" ? "storage_full" : "not_writable";
  return new DownloadFailure(reason, {
    message: `cannot write ${target}: ${code ?? String(error)}`,
    cause: error,
  });
}

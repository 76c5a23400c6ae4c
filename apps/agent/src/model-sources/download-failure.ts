/**
 * Why a download into the cache failed, independent of the model source; each source maps these to
 * its own AgentIssue tags (a 404 is `ModelDoesNotExistAtUrl` for a URL, `HuggingFaceModelDoesNotExist`
 * for the Hub).
 */
export type DownloadFailureReason =
  | "corrupted"
  | "denied"
  | "interrupted"
  | "lock_busy"
  | "malformed_url"
  | "not_found"
  | "not_writable"
  | "rejected"
  | "server_errored"
  | "storage_full"
  | "unreachable";

export class DownloadFailure extends Error {
  override readonly name = "DownloadFailure";
  readonly code: DownloadFailureReason;
  /** Set for `lock_busy`: the Hub issue names the lock file. */
  readonly lockPath: string | undefined;

  constructor(
    reason: DownloadFailureReason,
    options: { message: string; cause?: unknown; lockPath?: string },
  ) {
    super(options.message, { cause: options.cause });
    this.code = reason;
    this.lockPath = options.lockPath;
  }
}

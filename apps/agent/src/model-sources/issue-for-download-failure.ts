import { type AgentIssue, type ModelPathIssueTag, modelPathIssue } from "@paddler/protocol";
import type { DownloadFailure, DownloadFailureReason } from "./download-failure.js";
import { ModelSourceError } from "./model-source-error.js";

export type DownloadIssueTags = Record<Exclude<DownloadFailureReason, "lock_busy">, ModelPathIssueTag>;

export const urlDownloadIssueTags: DownloadIssueTags = {
  corrupted: "ModelCacheIsCorrupted",
  denied: "DownloadServerDeniedAccess",
  interrupted: "DownloadInterrupted",
  malformed_url: "DownloadUrlIsMalformed",
  not_found: "ModelDoesNotExistAtUrl",
  not_writable: "CacheDirectoryIsNotWritable",
  rejected: "DownloadServerRejectedRequest",
  server_errored: "DownloadServerErrored",
  storage_full: "CacheStorageIsFull",
  unreachable: "DownloadServerIsUnreachable",
};

export const huggingFaceDownloadIssueTags: DownloadIssueTags = {
  ...urlDownloadIssueTags,
  denied: "HuggingFacePermissions",
  not_found: "HuggingFaceModelDoesNotExist",
};

export interface IssueForDownloadFailureOptions {
  failure: DownloadFailure;
  modelPath: string;
  tags: DownloadIssueTags;
  /** The Hub reports a busy lock with its path; a plain URL only with the model. */
  lockIssue: (lockPath: string) => AgentIssue;
}

/** Turns a source-independent download failure into the AgentIssue the user sees for this source. */
export function issueForDownloadFailure({
  failure,
  modelPath,
  tags,
  lockIssue,
}: IssueForDownloadFailureOptions): ModelSourceError {
  const issue =
    failure.code === "lock_busy"
      ? lockIssue(failure.lockPath ?? "")
      : modelPathIssue(tags[failure.code], modelPath);
  return new ModelSourceError(issue, { message: failure.message, cause: failure });
}

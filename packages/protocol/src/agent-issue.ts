import { z } from "zod";
import { taggedVariant } from "./tagged.js";

export const agentIssueModelPathSchema = z.strictObject({ model_path: z.string() });

export const modelPathIssueTags = [
  "CacheCannotAcquireLock",
  "CacheDirectoryIsNotWritable",
  "CacheStorageIsFull",
  "DownloadInterrupted",
  "DownloadServerDeniedAccess",
  "DownloadServerErrored",
  "DownloadServerIsUnreachable",
  "DownloadServerRejectedRequest",
  "DownloadUrlIsMalformed",
  "HuggingFaceModelDoesNotExist",
  "HuggingFacePermissions",
  "ModelCacheIsCorrupted",
  "ModelCannotBeLoaded",
  "ModelDoesNotExistAtUrl",
  "ModelFileDoesNotExist",
  "MultimodalProjectionCannotBeLoaded",
  "UnableToFindChatTemplate",
] as const;
export type ModelPathIssueTag = (typeof modelPathIssueTags)[number];

// The variants built in a loop lose their literal keys in zod's inference; the declared type is exact.
export const agentIssueSchema = z.union([
  ...modelPathIssueTags.map((tag) => taggedVariant(tag, agentIssueModelPathSchema)),
  taggedVariant(
    "ChatTemplateDoesNotCompile",
    z.strictObject({
      error: z.string(),
      model_path: agentIssueModelPathSchema,
      template_content: z.string(),
    }),
  ),
  taggedVariant(
    "HuggingFaceCannotAcquireLock",
    z.strictObject({ lock_path: z.string(), model_path: agentIssueModelPathSchema }),
  ),
  taggedVariant("SlotCannotStart", z.strictObject({ error: z.string(), slot_index: z.number().int() })),
]) as unknown as z.ZodType<AgentIssue>;

/** Paddler's `ModelPath` struct; in these two variants it nests: `"model_path": {"model_path": "…"}`. */
type NestedModelPath = { model_path: string };
type ModelPathIssue = { [K in ModelPathIssueTag]: { [P in K]: { model_path: string } } }[ModelPathIssueTag];
export type AgentIssue =
  | ModelPathIssue
  | {
      ChatTemplateDoesNotCompile: { error: string; model_path: NestedModelPath; template_content: string };
    }
  | { HuggingFaceCannotAcquireLock: { lock_path: string; model_path: NestedModelPath } }
  | { SlotCannotStart: { error: string; slot_index: number } };

export function agentIssueTag(issue: AgentIssue): string {
  return Object.keys(issue)[0] ?? "";
}

export function modelPathIssue(tag: ModelPathIssueTag, modelPath: string): AgentIssue {
  return { [tag]: { model_path: modelPath } } as AgentIssue;
}

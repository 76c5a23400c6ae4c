/** What an agent issue means for the fleet and what the operator can do about it. */
export interface IssueGuidance {
  /** What went wrong, in a sentence. */
  meaning: string;
  /** What the operator can do. */
  action: string;
  /** Whether changing the desired model or its parameters on the model page is the fix. */
  modelPageFixes: boolean;
}

/**
 * What the agent and the balancer do about any issue: the agent tries again every second (and is
 * reported as stuck after ten attempts); while it has no slots the balancer sends it nothing.
 */
export const balancerBehaviour =
  "The agent tries again every second and serves no requests meanwhile: the balancer sends them to the other agents of its pool, or holds them in its buffer until a slot frees (then answers 503 when the buffer timeout passes).";

const guidance: Record<string, IssueGuidance> = {
  CacheCannotAcquireLock: {
    meaning: "Another process holds the model cache lock.",
    action: "Stop the other process using the agent's cache directory, or give this agent its own.",
    modelPageFixes: false,
  },
  CacheDirectoryIsNotWritable: {
    meaning: "The agent cannot write to its cache directory.",
    action: "Fix the cache directory's permissions on the agent's machine.",
    modelPageFixes: false,
  },
  CacheStorageIsFull: {
    meaning: "The disk holding the model cache is full.",
    action: "Free space on the agent's disk, or choose a smaller model.",
    modelPageFixes: true,
  },
  DownloadInterrupted: {
    meaning: "The download stopped part way.",
    action: "Usually nothing: the agent resumes. If it keeps failing, check the agent's network.",
    modelPageFixes: false,
  },
  DownloadServerDeniedAccess: {
    meaning: "The download server denied access (401/403).",
    action: "Give the agent a token with access (HF_TOKEN for Hugging Face), or choose a model it can fetch.",
    modelPageFixes: true,
  },
  DownloadServerErrored: {
    meaning: "The download server answered with an error.",
    action: "Wait for the server to recover, or point the model at another source.",
    modelPageFixes: true,
  },
  DownloadServerIsUnreachable: {
    meaning: "The download server cannot be reached.",
    action: "Check the agent's network and proxy settings, or use a model file already on the agent.",
    modelPageFixes: true,
  },
  DownloadServerRejectedRequest: {
    meaning: "The download server rejected the request.",
    action: "Check the model URL on the model page.",
    modelPageFixes: true,
  },
  DownloadUrlIsMalformed: {
    meaning: "The model URL is malformed.",
    action: "Correct the model URL on the model page.",
    modelPageFixes: true,
  },
  HuggingFaceModelDoesNotExist: {
    meaning: "No such file in that Hugging Face repository.",
    action: "Correct the repository, file name or revision on the model page.",
    modelPageFixes: true,
  },
  HuggingFacePermissions: {
    meaning: "The Hugging Face repository needs access the agent does not have.",
    action:
      "Accept the model's licence on Hugging Face and give the agent an HF_TOKEN, or choose another model.",
    modelPageFixes: true,
  },
  HuggingFaceCannotAcquireLock: {
    meaning: "Another process holds the Hugging Face cache lock.",
    action: "Stop the other process using the Hugging Face cache, or remove a stale lock file named below.",
    modelPageFixes: false,
  },
  ModelCacheIsCorrupted: {
    meaning: "The cached model file is corrupted.",
    action: "Delete the cached file on the agent so it downloads again.",
    modelPageFixes: false,
  },
  ModelCannotBeLoaded: {
    meaning: "llama.cpp could not load the model with these parameters.",
    action:
      "Check that the file is a GGUF model, and lower the context size or GPU layers on the model page if memory runs out.",
    modelPageFixes: true,
  },
  ModelDoesNotExistAtUrl: {
    meaning: "Nothing at that URL (404).",
    action: "Correct the model URL on the model page.",
    modelPageFixes: true,
  },
  ModelFileDoesNotExist: {
    meaning: "No such file on the agent.",
    action: "Put the file on the agent's machine at the path below, or correct the path on the model page.",
    modelPageFixes: true,
  },
  MultimodalProjectionCannotBeLoaded: {
    meaning: "The multimodal projection could not be loaded.",
    action: "Correct or remove the multimodal projection on the model page.",
    modelPageFixes: true,
  },
  UnableToFindChatTemplate: {
    meaning: "The model has no chat template.",
    action: "Set a chat template override on the model page.",
    modelPageFixes: true,
  },
  ChatTemplateDoesNotCompile: {
    meaning: "The chat template does not compile.",
    action: "Fix the chat template override on the model page (the error is below).",
    modelPageFixes: true,
  },
  SlotCannotStart: {
    meaning: "A slot failed to start.",
    action: "Lower the slot count or the context size (the model page) so the slots fit in memory.",
    modelPageFixes: true,
  },
};

export function issueGuidance(tag: string): IssueGuidance {
  return (
    guidance[tag] ?? {
      meaning: "An issue this panel does not know.",
      action: "Read the agent's log for details.",
      modelPageFixes: false,
    }
  );
}

import { type AgentIssue, agentIssueTag } from "@paddler/protocol";
import { detailText } from "./issue-detail-text.js";

const explanations: Record<string, string> = {
  CacheCannotAcquireLock: "Another process holds the model cache lock.",
  CacheDirectoryIsNotWritable: "The agent cannot write to its cache directory.",
  CacheStorageIsFull: "The disk holding the model cache is full.",
  DownloadInterrupted: "The download stopped part way; the agent retries.",
  DownloadServerDeniedAccess: "The download server denied access (401/403).",
  DownloadServerErrored: "The download server answered with an error.",
  DownloadServerIsUnreachable: "The download server cannot be reached.",
  DownloadServerRejectedRequest: "The download server rejected the request.",
  DownloadUrlIsMalformed: "The model URL is malformed.",
  HuggingFaceModelDoesNotExist: "No such file in that Hugging Face repository.",
  HuggingFacePermissions: "The Hugging Face repository needs access the agent does not have.",
  HuggingFaceCannotAcquireLock: "Another process holds the Hugging Face cache lock.",
  ModelCacheIsCorrupted: "The cached model file is corrupted.",
  ModelCannotBeLoaded: "llama.cpp could not load the model with these parameters.",
  ModelDoesNotExistAtUrl: "Nothing at that URL (404).",
  ModelFileDoesNotExist: "No such file on the agent.",
  MultimodalProjectionCannotBeLoaded: "The multimodal projection could not be loaded.",
  UnableToFindChatTemplate: "The model has no chat template; set one on the model page.",
  ChatTemplateDoesNotCompile: "The chat template does not compile.",
  SlotCannotStart: "A slot failed to start.",
};

/** An agent's issues with what each means and its details. */
export function AgentIssues({ issues }: { issues: readonly AgentIssue[] }) {
  if (issues.length === 0) return <p className="ok">No issues.</p>;
  return (
    <ul className="issues">
      {issues.map((issue) => {
        const tag = agentIssueTag(issue);
        const details = Object.entries(Object.values(issue)[0] ?? {}) as [string, unknown][];
        return (
          <li key={`${tag}-${JSON.stringify(issue)}`}>
            <strong>{tag}</strong> <span>{explanations[tag] ?? ""}</span>
            <dl className="issue-details">
              {details.map(([key, value]) => (
                <div key={key}>
                  <dt>{key}</dt>
                  <dd>
                    {key === "template_content" ? (
                      <pre>{detailText(value)}</pre>
                    ) : (
                      <code>{detailText(value)}</code>
                    )}
                  </dd>
                </div>
              ))}
            </dl>
          </li>
        );
      })}
    </ul>
  );
}

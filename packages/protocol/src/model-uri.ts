import type { AgentDesiredModel } from "./agent-desired-model.js";

export class ModelUriError extends Error {
  override readonly name = "ModelUriError";
  readonly code = "invalid_model_uri";
}

const huggingFacePath = /^\/([^/]+)\/([^/]+)\/(?:blob|resolve)\/([^/]+)\/(.+)$/;

/**
 * Paddler's panel rule: `huggingface.co/{owner}/{repo}/(blob|resolve)/{rev}/{file}` is HuggingFace,
 * `agent:///path` is LocalToAgent, any other http(s) URL is Url; an empty string is "None".
 */
export function agentDesiredModelFromUri(uri: string): AgentDesiredModel {
  const trimmed = uri.trim();
  if (trimmed === "") return "None";
  if (trimmed.startsWith("agent://")) {
    // agent:///abs/x.gguf is absolute; agent://models/x.gguf is relative to the agent's working
    // directory (the API accepts such a path, so the panel must be able to save it back).
    const path = trimmed.slice("agent://".length);
    if (path === "") throw new ModelUriError("agent:// needs a path, e.g. agent:///models/x.gguf");
    return { LocalToAgent: decodeURI(path) };
  }
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    throw new ModelUriError(`not a URL: ${trimmed}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new ModelUriError(`unsupported scheme ${url.protocol} (use https://, http:// or agent:///)`);
  }
  if (url.hostname === "huggingface.co") {
    const match = huggingFacePath.exec(url.pathname);
    if (!match)
      throw new ModelUriError(
        "a Hugging Face URL looks like huggingface.co/{owner}/{repo}/blob/{revision}/{file}",
      );
    const [, owner, repo, revision, filename] = match;
    return {
      HuggingFace: {
        repo_id: `${owner}/${repo}`,
        revision: revision ?? "main",
        filename: decodeURIComponent(filename ?? ""),
      },
    };
  }
  return { Url: { url: url.toString() } };
}

/** The inverse of {@link agentDesiredModelFromUri}, for showing a stored model in a form. */
export function agentDesiredModelToUri(model: AgentDesiredModel): string {
  if (model === "None") return "";
  if ("LocalToAgent" in model) return `agent://${model.LocalToAgent}`;
  if ("Url" in model) return model.Url.url;
  const { repo_id, revision, filename } = model.HuggingFace;
  return `https://huggingface.co/${repo_id}/blob/${revision}/${filename}`;
}

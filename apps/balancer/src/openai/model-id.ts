import type { AgentDesiredModel } from "@paddler/protocol";

function lastSegment(path: string): string {
  const segments = path.split(/[/\\]/).filter(Boolean);
  return segments.at(-1) ?? path;
}

/**
 * The id `/v1/models` shows for the cluster's model: `owner/repo/file.gguf` for Hugging Face,
 * the file name for a local path or URL; `null` when no model is set.
 */
export function modelId(model: AgentDesiredModel): string | null {
  if (model === "None") return null;
  if ("HuggingFace" in model) return `${model.HuggingFace.repo_id}/${model.HuggingFace.filename}`;
  if ("LocalToAgent" in model) return lastSegment(model.LocalToAgent);
  let pathname = model.Url.url;
  try {
    pathname = decodeURIComponent(new URL(model.Url.url).pathname);
  } catch {
    // Stored URLs were validated on the way in; the raw string is a fair fallback.
  }
  return lastSegment(pathname);
}

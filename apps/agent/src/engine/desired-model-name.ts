import type { AgentDesiredModel } from "@paddler/protocol";

/** The file name a desired model comes down to (what servers usually call it), or null for None. */
export function desiredModelName(model: AgentDesiredModel): string | null {
  if (model === "None") return null;
  if ("LocalToAgent" in model) return model.LocalToAgent.split(/[\\/]/).pop() ?? model.LocalToAgent;
  if ("HuggingFace" in model)
    return model.HuggingFace.filename.split("/").pop() ?? model.HuggingFace.filename;
  const path = new URL(model.Url.url).pathname;
  return decodeURIComponent(path.split("/").pop() ?? path);
}

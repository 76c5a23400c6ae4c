import type { AgentDesiredModel, AgentDesiredState } from "@paddler/protocol";
import { llamaServerArgs } from "./llama-server-args.js";

/** A stand-in for a model's resolved path: the same reference resolves to the same file. */
function modelKey(model: AgentDesiredModel): string | null {
  return model === "None" ? null : JSON.stringify(model);
}

/** The launch arguments a desired state gives, with the per-process parts (paths, port) as stand-ins. */
function launchKey(state: AgentDesiredState): string[] {
  return llamaServerArgs({
    modelPath: modelKey(state.model) ?? "",
    multimodalProjectionPath: modelKey(state.multimodal_projection),
    desiredState: state,
    slots: 0,
    threads: 0,
    port: 0,
    // The template's content, not the file it is written to, is what llama-server loads.
    chatTemplateFile: state.chat_template_override?.content ?? null,
    kvCacheFallback: false,
  });
}

/**
 * Whether going from `current` to `next` changes llama-server's command line (model, projection,
 * context, batch, KV cache, embeddings, chat template): only then must the managed server restart.
 * Sampling (temperature, top_k, penalties...) travels with each request, so changing it does not.
 * Slots and threads are the agent's own flags and never change while it runs.
 */
export function llamaServerNeedsRestart(current: AgentDesiredState, next: AgentDesiredState): boolean {
  const before = launchKey(current);
  const after = launchKey(next);
  return before.length !== after.length || before.some((arg, index) => arg !== after[index]);
}

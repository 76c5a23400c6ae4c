import type { AgentDesiredState, InferenceParameters } from "@paddler/protocol";

/** Parameters that shape the loaded context; changing any of them needs a reload. */
const loadParameters: readonly (keyof InferenceParameters)[] = [
  "n_batch",
  "context_size",
  "enable_embeddings",
  "k_cache_dtype",
  "v_cache_dtype",
  "n_gpu_layers",
  "pooling_type",
];

/** Whether going from `current` to `next` only touches sampling or the chat template. */
export function isRuntimeOnlyChange(current: AgentDesiredState, next: AgentDesiredState): boolean {
  if (JSON.stringify(current.model) !== JSON.stringify(next.model)) return false;
  if (JSON.stringify(current.multimodal_projection) !== JSON.stringify(next.multimodal_projection))
    return false;
  return loadParameters.every((key) => current.inference_parameters[key] === next.inference_parameters[key]);
}

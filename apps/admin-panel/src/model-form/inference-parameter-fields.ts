import {
  defaultInferenceParameters,
  type InferenceParameters,
  kvCacheDtypeSchema,
  poolingTypeSchema,
} from "@paddler/protocol";

export type InferenceParameterKey = keyof InferenceParameters;

export type InferenceParameterField =
  | { key: InferenceParameterKey; label: string; help: string; kind: "integer" | "number"; step?: string }
  | { key: InferenceParameterKey; label: string; help: string; kind: "boolean" }
  | { key: InferenceParameterKey; label: string; help: string; kind: "choice"; options: readonly string[] };

export interface InferenceParameterGroup {
  title: string;
  fields: readonly InferenceParameterField[];
}

/** Every inference parameter, grouped as an operator thinks about them. */
export const inferenceParameterGroups: readonly InferenceParameterGroup[] = [
  {
    title: "Context and batching",
    fields: [
      {
        key: "context_size",
        label: "Context size",
        help: "Tokens of context shared by all slots",
        kind: "integer",
      },
      { key: "n_batch", label: "Batch size (n_batch)", help: "Tokens decoded per batch", kind: "integer" },
      {
        key: "n_gpu_layers",
        label: "GPU layers",
        help: "Layers offloaded to the GPU; -1 means all",
        kind: "integer",
      },
      {
        key: "k_cache_dtype",
        label: "K cache type",
        help: "Precision of the key cache",
        kind: "choice",
        options: kvCacheDtypeSchema.options,
      },
      {
        key: "v_cache_dtype",
        label: "V cache type",
        help: "Precision of the value cache",
        kind: "choice",
        options: kvCacheDtypeSchema.options,
      },
    ],
  },
  {
    title: "Sampling",
    fields: [
      {
        key: "temperature",
        label: "Temperature",
        help: "0 is greedy; higher is more random",
        kind: "number",
        step: "0.05",
      },
      { key: "top_k", label: "Top K", help: "Keep the K most likely tokens; 0 disables", kind: "integer" },
      {
        key: "top_p",
        label: "Top P",
        help: "Nucleus sampling, between 0 and 1",
        kind: "number",
        step: "0.05",
      },
      {
        key: "min_p",
        label: "Min P",
        help: "Drop tokens below this share of the best, 0 to 1",
        kind: "number",
        step: "0.01",
      },
      { key: "penalty_repeat", label: "Repeat penalty", help: "1 disables", kind: "number", step: "0.05" },
      { key: "penalty_presence", label: "Presence penalty", help: "0 disables", kind: "number", step: "0.1" },
      {
        key: "penalty_frequency",
        label: "Frequency penalty",
        help: "0 disables",
        kind: "number",
        step: "0.1",
      },
      {
        key: "penalty_last_n",
        label: "Penalty window",
        help: "Tokens the penalties look back at; -1 is the context",
        kind: "integer",
      },
    ],
  },
  {
    title: "Embeddings and images",
    fields: [
      {
        key: "enable_embeddings",
        label: "Enable embeddings",
        help: "Embeddings mode turns token generation off cluster-wide",
        kind: "boolean",
      },
      {
        key: "pooling_type",
        label: "Pooling type",
        help: "How token embeddings are pooled",
        kind: "choice",
        options: poolingTypeSchema.options,
      },
      {
        key: "embedding_batch_size",
        label: "Embedding batch size",
        help: "Documents per embedding chunk",
        kind: "integer",
      },
      {
        key: "image_resize_to_fit",
        label: "Resize images to fit",
        help: "Longest image side in pixels",
        kind: "integer",
      },
    ],
  },
];

/** The default of a parameter as the form shows it. */
export function defaultParameterText(key: InferenceParameterKey): string {
  return String(defaultInferenceParameters[key]);
}

import type { PoolingType } from "@paddler/protocol";

/** llama.cpp's enum llama_pooling_type, as stored in `<arch>.pooling_type`. */
const poolingByGgufValue: Record<string, PoolingType> = {
  "1": "Mean",
  "2": "Cls",
  "3": "Last",
  "4": "Rank",
};

/**
 * The pooling the embeddings really get. node-llama-cpp cannot set llama.cpp's pooling_type on a
 * context: the model's own pooling applies, and a model without one (most chat models) yields the
 * last token's embedding, which is "Last".
 */
export function effectivePoolingType(metadata: Record<string, string>): PoolingType {
  const architecture = metadata["general.architecture"];
  const value = architecture ? metadata[`${architecture}.pooling_type`] : undefined;
  return (value !== undefined ? poolingByGgufValue[value] : undefined) ?? "Last";
}

import type { InferenceParameters } from "@paddler/protocol";
import { GgmlType, type LlamaContext, type LlamaModel } from "node-llama-cpp";
import { toGgmlType } from "./kv-cache-type.js";

export interface CreateLlamaContextOptions {
  model: LlamaModel;
  parameters: InferenceParameters;
  slots: number;
  threads: number;
  /** Receives a line for every setting that had to be changed. */
  warn: (message: string) => void;
}

/**
 * One context whose sequences are the slots. Paddler's context_size is llama.cpp's n_ctx, shared
 * by all slots (each sequence gets n_ctx / n_seq_max cells); node-llama-cpp's contextSize is per
 * sequence, so it gets context_size / slots. Context shifting stays with the caller.
 */
export async function createLlamaContext(options: CreateLlamaContextOptions): Promise<LlamaContext> {
  const { model, parameters, slots, threads, warn } = options;
  const contextSize = Math.max(16, Math.floor(parameters.context_size / slots));
  const base = {
    sequences: slots,
    contextSize,
    batchSize: Math.min(parameters.n_batch, contextSize * slots),
    threads,
    // A number means "exactly this or fail"; shrinking silently would hide a misconfiguration.
    failedCreationRemedy: false,
  } as const;
  const keyType = toGgmlType(parameters.k_cache_dtype);
  const valueType = toGgmlType(parameters.v_cache_dtype);
  try {
    return await model.createContext({
      ...base,
      experimentalKvCacheKeyType: keyType,
      experimentalKvCacheValueType: valueType,
    });
  } catch (cause) {
    if (keyType === GgmlType.F16 && valueType === GgmlType.F16) throw cause;
    // llama.cpp's reason ("… does not divide …") went to the debug log; this says what it means.
    warn(
      `KV cache type ${parameters.k_cache_dtype}/${parameters.v_cache_dtype} does not work with this model (a quantized KV cache needs a head size that is a multiple of the quantization block), so the agent uses F16/F16; set k_cache_dtype and v_cache_dtype to F16 to silence this`,
    );
    return await model.createContext({
      ...base,
      experimentalKvCacheKeyType: GgmlType.F16,
      experimentalKvCacheValueType: GgmlType.F16,
    });
  }
}

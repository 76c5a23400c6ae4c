import type { InferenceParameters } from "@paddler/protocol";
import { GgmlType, type LlamaContext, type LlamaModel } from "node-llama-cpp";
import { kvCacheTypeFitsHead, kvHeadSizesOf, toGgmlType } from "./kv-cache-type.js";

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
  const fallbackWarning = `KV cache type ${parameters.k_cache_dtype}/${parameters.v_cache_dtype} does not work with this model (a quantized KV cache needs a head size that is a multiple of the quantization block), so the agent uses F16/F16; set k_cache_dtype and v_cache_dtype to F16 to silence this`;
  const f16 = { experimentalKvCacheKeyType: GgmlType.F16, experimentalKvCacheValueType: GgmlType.F16 };
  // Decided before asking: node-llama-cpp's failed context creation keeps a hold on the model that
  // is released only through a WeakRef to the failed context, so after a garbage collection the
  // model could never be disposed again (a reload that never finishes, issue 12).
  const heads = kvHeadSizesOf(model.fileInfo.architectureMetadata);
  if (
    heads !== null &&
    (!kvCacheTypeFitsHead(parameters.k_cache_dtype, heads.key) ||
      !kvCacheTypeFitsHead(parameters.v_cache_dtype, heads.value))
  ) {
    warn(fallbackWarning);
    return await model.createContext({ ...base, ...f16 });
  }
  try {
    return await model.createContext({
      ...base,
      experimentalKvCacheKeyType: keyType,
      experimentalKvCacheValueType: valueType,
    });
  } catch (cause) {
    if (keyType === GgmlType.F16 && valueType === GgmlType.F16) throw cause;
    // What the check above cannot foresee (llama.cpp's reason went to the debug log). The failed
    // attempt's hold on the model may outlive it (see above); the reconciler bounds that dispose.
    warn(fallbackWarning);
    return await model.createContext({ ...base, ...f16 });
  }
}

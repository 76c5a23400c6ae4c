import type { KvCacheDtype } from "@paddler/protocol";
import { GgmlType } from "node-llama-cpp";

/**
 * Paddler's KV cache dtypes map one to one onto ggml types, and node-llama-cpp takes them through
 * its experimental `experimentalKvCacheKeyType`/`experimentalKvCacheValueType` context options.
 * What it cannot do: a quantized K or V cache needs the model's head size to be a multiple of the
 * quant block (32), so small-head models (stories260K: head size 8) fail with every quantized type;
 * the engine then uses F16 and says so in its warnings (see kvCacheTypeFitsHead).
 */
export function toGgmlType(dtype: KvCacheDtype): GgmlType {
  switch (dtype) {
    case "F32":
      return GgmlType.F32;
    case "F16":
      return GgmlType.F16;
    case "BF16":
      return GgmlType.BF16;
    case "Q8_0":
      return GgmlType.Q8_0;
    case "Q4_0":
      return GgmlType.Q4_0;
    case "Q4_1":
      return GgmlType.Q4_1;
    case "IQ4_NL":
      return GgmlType.IQ4_NL;
    case "Q5_0":
      return GgmlType.Q5_0;
    case "Q5_1":
      return GgmlType.Q5_1;
  }
}

/** llama.cpp's block size per quantized KV cache type; unquantized types have none. */
function quantBlockSize(dtype: KvCacheDtype): number | null {
  switch (dtype) {
    case "F32":
    case "F16":
    case "BF16":
      return null;
    case "Q8_0":
    case "Q4_0":
    case "Q4_1":
    case "IQ4_NL":
    case "Q5_0":
    case "Q5_1":
      return 32;
  }
}

/** Whether llama.cpp can hold heads of `headSize` values in a cache of `dtype` (it refuses otherwise). */
export function kvCacheTypeFitsHead(dtype: KvCacheDtype, headSize: number): boolean {
  const block = quantBlockSize(dtype);
  return block === null || headSize % block === 0;
}

export interface KvHeadSizes {
  key: number;
  value: number;
}

/** The K and V head sizes as llama.cpp derives them from the GGUF metadata, when it says enough. */
export function kvHeadSizesOf(architecture: {
  embedding_length?: number;
  attention?: { head_count?: number | readonly number[]; key_length?: number; value_length?: number };
}): KvHeadSizes | null {
  const headCount = architecture.attention?.head_count;
  const heads = typeof headCount === "number" ? headCount : undefined;
  const fallback =
    architecture.embedding_length !== undefined && heads !== undefined && heads > 0
      ? architecture.embedding_length / heads
      : undefined;
  const key = architecture.attention?.key_length ?? fallback;
  const value = architecture.attention?.value_length ?? fallback;
  if (key === undefined || value === undefined) return null;
  return { key, value };
}

import type { KvCacheDtype } from "@paddler/protocol";
import { GgmlType } from "node-llama-cpp";

/**
 * Paddler's KV cache dtypes map one to one onto ggml types, and node-llama-cpp takes them through
 * its experimental `experimentalKvCacheKeyType`/`experimentalKvCacheValueType` context options.
 * What it cannot do: a quantized K or V cache needs the model's head size to be a multiple of the
 * quant block (32), so small-head models (stories260K: head size 8) fail with every quantized type;
 * the engine then falls back to F16 and says so in its warnings.
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

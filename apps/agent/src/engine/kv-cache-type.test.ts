import { describe, expect, it } from "vitest";
import { kvCacheTypeFitsHead, kvHeadSizesOf } from "./kv-cache-type.js";

describe("KV cache type against the model's head size", () => {
  it("fits unquantized types to any head, quantized ones to multiples of their block", () => {
    expect(kvCacheTypeFitsHead("F16", 8)).toBe(true);
    expect(kvCacheTypeFitsHead("Q8_0", 8)).toBe(false);
    expect(kvCacheTypeFitsHead("Q4_0", 128)).toBe(true);
    expect(kvCacheTypeFitsHead("IQ4_NL", 80)).toBe(false);
  });

  it("reads head sizes as llama.cpp derives them", () => {
    // stories260K: no key/value lengths, so embedding length over heads.
    expect(kvHeadSizesOf({ embedding_length: 64, attention: { head_count: 8 } })).toEqual({
      key: 8,
      value: 8,
    });
    expect(
      kvHeadSizesOf({
        embedding_length: 1024,
        attention: { head_count: 16, key_length: 128, value_length: 96 },
      }),
    ).toEqual({ key: 128, value: 96 });
    // Per-layer head counts without explicit lengths: unknown, so the engine just tries.
    expect(kvHeadSizesOf({ embedding_length: 64, attention: { head_count: [8, 8] } })).toBeNull();
  });
});

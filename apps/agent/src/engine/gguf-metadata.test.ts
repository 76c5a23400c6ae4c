import { describe, expect, it } from "vitest";
import { flattenGgufMetadata } from "./gguf-metadata.js";

describe("gguf metadata", () => {
  it("flattens nested keys to strings and summarises long arrays", () => {
    const flat = flattenGgufMetadata({
      general: { architecture: "llama" },
      llama: { context_length: 2048, rope: { scale: 0.5 } },
      tokenizer: { ggml: { tokens: Array.from({ length: 1000 }, () => "t"), bos: [1, 2] } },
    });
    expect(flat).toEqual({
      "general.architecture": "llama",
      "llama.context_length": "2048",
      "llama.rope.scale": "0.5",
      "tokenizer.ggml.tokens": "[array of 1000 items]",
      "tokenizer.ggml.bos": "[1,2]",
    });
  });
});

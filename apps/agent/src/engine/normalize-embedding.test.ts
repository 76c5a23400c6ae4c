import { describe, expect, it } from "vitest";
import { normalizeEmbedding } from "./normalize-embedding.js";

describe("embedding normalization", () => {
  it("applies L2, RmsNorm and None", () => {
    expect(normalizeEmbedding([3, 4], "L2")).toEqual([0.6, 0.8]);
    const rms = normalizeEmbedding([3, 4], { RmsNorm: { epsilon: 1e-6 } });
    expect(rms[0]).toBeCloseTo(3 / Math.sqrt(12.5));
    expect(normalizeEmbedding([3, 4], "None")).toEqual([3, 4]);
    expect(normalizeEmbedding([0, 0], "L2")).toEqual([0, 0]);
  });
});

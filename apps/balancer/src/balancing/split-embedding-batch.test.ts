import { describe, expect, it } from "vitest";
import { splitEmbeddingBatch } from "./split-embedding-batch.js";

const docs = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("splitEmbeddingBatch", () => {
  it("spreads documents over agents", () => {
    expect(splitEmbeddingBatch(docs(5), 2, 256)).toEqual([
      [0, 1, 2],
      [3, 4],
    ]);
  });

  it("never makes more chunks than documents", () => {
    expect(splitEmbeddingBatch(docs(2), 8, 256)).toEqual([[0], [1]]);
  });

  it("keeps chunks within the embedding batch size", () => {
    const chunks = splitEmbeddingBatch(docs(10), 1, 3);
    expect(chunks).toHaveLength(4);
    expect(chunks.flat()).toEqual(docs(10));
    expect(Math.max(...chunks.map((c) => c.length))).toBeLessThanOrEqual(3);
  });

  it("returns nothing for no documents", () => {
    expect(splitEmbeddingBatch([], 3, 4)).toEqual([]);
  });
});

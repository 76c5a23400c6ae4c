import type { EmbeddingNormalizationMethod } from "@paddler/protocol";

/** Applies Paddler's embedding normalization; a zero vector stays zero instead of turning into NaN. */
export function normalizeEmbedding(
  vector: readonly number[],
  method: EmbeddingNormalizationMethod,
): number[] {
  if (method === "None") return [...vector];
  const sumOfSquares = vector.reduce((sum, value) => sum + value * value, 0);
  const divisor =
    method === "L2"
      ? Math.sqrt(sumOfSquares)
      : Math.sqrt(sumOfSquares / Math.max(1, vector.length) + method.RmsNorm.epsilon);
  if (divisor === 0) return [...vector];
  return vector.map((value) => value / divisor);
}

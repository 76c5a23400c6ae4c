/** The first `dimensions` values, L2-normalised again (how OpenAI's `dimensions` shortens a vector). */
export function truncateEmbedding(
  vector: readonly number[],
  dimensions: number | null | undefined,
): number[] {
  if (!dimensions || dimensions >= vector.length) return [...vector];
  const head = vector.slice(0, dimensions);
  const norm = Math.hypot(...head);
  return norm > 0 ? head.map((value) => value / norm) : head;
}

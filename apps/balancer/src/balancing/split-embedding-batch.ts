/**
 * Paddler's split: `min(docs, max(agents, ceil(docs / embedding_batch_size)))` chunks of near-equal
 * size, so a batch spreads over the fleet but no chunk exceeds the batch size.
 */
export function splitEmbeddingBatch<T>(
  documents: readonly T[],
  agentCount: number,
  embeddingBatchSize: number,
): T[][] {
  if (documents.length === 0) return [];
  const chunkCount = Math.min(
    documents.length,
    Math.max(agentCount, Math.ceil(documents.length / Math.max(1, embeddingBatchSize))),
  );
  const chunks: T[][] = [];
  const base = Math.floor(documents.length / chunkCount);
  const remainder = documents.length % chunkCount;
  let offset = 0;
  for (let index = 0; index < chunkCount; index++) {
    const size = base + (index < remainder ? 1 : 0);
    chunks.push(documents.slice(offset, offset + size));
    offset += size;
  }
  return chunks;
}

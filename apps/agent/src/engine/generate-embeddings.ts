import type { EmbeddingResult, GenerateEmbeddingBatchParams, PoolingType } from "@paddler/protocol";
import type { LlamaEmbeddingContext, Token } from "node-llama-cpp";
import { describeCause } from "./engine-errors.js";
import { normalizeEmbedding } from "./normalize-embedding.js";

export interface GenerateEmbeddingsOptions {
  embeddingContext: LlamaEmbeddingContext;
  params: GenerateEmbeddingBatchParams;
  nBatch: number;
  /** The pooling the model really applies (node-llama-cpp cannot choose it per context). */
  poolingType: PoolingType;
  signal: AbortSignal;
}

/**
 * One Embedding per document, then Done. node-llama-cpp's embedding context has a single
 * sequence, so documents are evaluated one after another (its own lock also serialises concurrent
 * batches) instead of being packed into one llama.cpp batch as Paddler does.
 */
export async function* generateEmbeddings(
  options: GenerateEmbeddingsOptions,
): AsyncGenerator<EmbeddingResult> {
  const { embeddingContext, params, nBatch, poolingType, signal } = options;
  for (const document of params.input_batch) {
    if (signal.aborted) return;
    try {
      // Token ids were checked against the vocabulary by the engine before this point.
      const input = document.tokens ? (document.tokens as Token[]) : document.content;
      const documentTokens =
        document.tokens?.length ?? embeddingContext.calculateInputLength(document.content);
      if (documentTokens > nBatch) {
        yield {
          DocumentExceedsBatchSize: {
            document_tokens: documentTokens,
            n_batch: nBatch,
            source_document_id: document.id,
          },
        };
        continue;
      }
      const { vector } = await embeddingContext.getEmbeddingFor(input);
      if (signal.aborted) return;
      yield {
        Embedding: {
          embedding: normalizeEmbedding(vector, params.normalization_method),
          normalization_method: params.normalization_method,
          pooling_type: poolingType,
          source_document_id: document.id,
        },
      };
    } catch (cause) {
      if (signal.aborted) return;
      yield { Error: `Embedding of document ${document.id} failed: ${describeCause(cause)}` };
      return;
    }
  }
  yield "Done";
}

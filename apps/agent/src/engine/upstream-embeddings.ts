import type { EmbeddingResult, GenerateEmbeddingBatchParams } from "@paddler/protocol";
import { z } from "zod";
import type { ForwardTarget } from "./forward-http-to-upstream.js";
import { normalizeEmbedding } from "./normalize-embedding.js";
import type { UpstreamRequestContext } from "./upstream-adapter.js";
import { upstreamErrorMessage } from "./upstream-error-message.js";

const embeddingsSchema = z.object({
  data: z.array(z.object({ index: z.number().int(), embedding: z.array(z.number()) })),
});

/** Embeddings through `/v1/embeddings`, then Paddler's normalization on top of what the server returns. */
export async function* upstreamEmbeddings(
  target: ForwardTarget,
  params: GenerateEmbeddingBatchParams,
  context: UpstreamRequestContext,
  signal: AbortSignal,
  model?: string,
): AsyncGenerator<EmbeddingResult> {
  if (params.input_batch.length === 0) {
    yield "Done";
    return;
  }
  const response = await fetch(`${target.rootUrl}/v1/embeddings`, {
    method: "POST",
    headers: { "content-type": "application/json", ...target.headers, ...context.traceHeaders },
    body: JSON.stringify({
      input: params.input_batch.map((document) => document.content),
      encoding_format: "float",
      ...(model ? { model } : {}),
    }),
    signal,
  });
  if (!response.ok) {
    yield { Error: (await upstreamErrorMessage(response)).message };
    return;
  }
  const parsed = embeddingsSchema.safeParse(await response.json());
  if (!parsed.success) {
    yield { Error: "the upstream's embeddings are not in OpenAI's shape" };
    return;
  }
  const poolingType = context.desiredState?.inference_parameters.pooling_type ?? "Unspecified";
  for (const item of parsed.data.data) {
    const document = params.input_batch[item.index];
    if (!document) continue;
    yield {
      Embedding: {
        embedding: normalizeEmbedding(item.embedding, params.normalization_method),
        normalization_method: params.normalization_method,
        pooling_type: poolingType,
        source_document_id: document.id,
      },
    };
  }
  yield "Done";
}

import type { Embedding, InferenceClientMessage } from "@paddler/protocol";
import { inBandError } from "./collect-text.js";
import { PaddlerError } from "./errors.js";

/**
 * Gathers the embeddings of a `generateEmbeddingBatch` stream until its final `Done`.
 * They arrive in arbitrary order; match them by `source_document_id`.
 * Throws a PaddlerError on an in-band `Error` or any other embedding result
 * (`DocumentExceedsBatchSize`, `EmbeddingsDisabled`, …).
 */
export async function collectEmbeddings(stream: AsyncIterable<InferenceClientMessage>): Promise<Embedding[]> {
  const embeddings: Embedding[] = [];
  for await (const message of stream) {
    if ("Error" in message) throw inBandError(message.Error);
    if (!("Response" in message)) continue;
    const { response } = message.Response;
    if (typeof response === "string" || !("Embedding" in response)) continue;
    const result = response.Embedding;
    if (result === "Done") return embeddings;
    if (typeof result === "object" && "Embedding" in result) {
      embeddings.push(result.Embedding);
      continue;
    }
    throw new PaddlerError({
      code: "generation_error",
      message: `Embedding failed: ${typeof result === "string" ? result : JSON.stringify(result)}`,
      body: message,
    });
  }
  throw new PaddlerError({ code: "incomplete_stream", message: "The stream ended before Done" });
}

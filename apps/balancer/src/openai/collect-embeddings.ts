import type { DispatchEvent } from "../dispatch/dispatcher.js";
import { mergeAsyncIterables } from "../dispatch/merge-async-iterables.js";
import { OpenAIError } from "./openai-error.js";
import { fromErrorDetails } from "./to-openai-error.js";

/** Maps a terminal or per-document embedding failure to an OpenAI error. */
function embeddingError(
  result: Exclude<import("@paddler/protocol").EmbeddingResult, { Embedding: unknown }>,
) {
  if (typeof result === "object" && "DocumentExceedsBatchSize" in result) {
    const { document_tokens, n_batch, source_document_id } = result.DocumentExceedsBatchSize;
    return new OpenAIError({
      message: `input[${source_document_id}] has ${document_tokens} tokens, more than the cluster's n_batch (${n_batch})`,
      status: 400,
      param: "input",
      code: "context_length_exceeded",
    });
  }
  if (typeof result === "object" && result.Error.includes("is not in the model's vocabulary"))
    return new OpenAIError({
      message: `Invalid value for 'input': ${result.Error}`,
      status: 400,
      param: "input",
    });
  if (typeof result === "object")
    return new OpenAIError({ message: result.Error, status: 500, code: "embedding_failed" });
  if (result === "EmbeddingsDisabled")
    return new OpenAIError({
      message: "Embeddings are disabled on the agent",
      status: 400,
      code: "embeddings_disabled",
    });
  if (result === "EmbeddingRejectedDueToActiveTokenGeneration")
    return new OpenAIError({
      message: "The agent is still generating tokens; embeddings start once the mode change drains",
      status: 503,
      code: "embedding_rejected",
    });
  return new OpenAIError({ message: `Embedding failed: ${result}`, status: 500, code: "embedding_failed" });
}

/**
 * Runs the chunks of one embedding request in parallel and gathers vectors by document id. The
 * first failure stops the rest (closing the merged stream cancels every chunk's dispatch).
 */
export async function collectEmbeddings(
  chunks: AsyncIterable<DispatchEvent>[],
): Promise<Map<string, number[]>> {
  const vectors = new Map<string, number[]>();
  for await (const event of mergeAsyncIterables(chunks)) {
    if (event.kind === "error") throw fromErrorDetails(event.error);
    const response = event.response;
    if (typeof response === "string" || !("Embedding" in response))
      throw fromErrorDetails({ code: 502, description: "The agent answered with an unexpected response" });
    const result = response.Embedding;
    if (result === "Done") continue;
    if (typeof result === "object" && "Embedding" in result) {
      vectors.set(result.Embedding.source_document_id, result.Embedding.embedding);
      continue;
    }
    throw embeddingError(result);
  }
  return vectors;
}

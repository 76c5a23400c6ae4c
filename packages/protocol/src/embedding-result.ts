import { z } from "zod";
import { embeddingNormalizationMethodSchema } from "./embedding-normalization-method.js";
import { poolingTypeSchema } from "./pooling-type.js";
import { taggedVariant, unitVariant } from "./tagged.js";

export const embeddingSchema = z.strictObject({
  embedding: z.array(z.number()),
  normalization_method: embeddingNormalizationMethodSchema,
  pooling_type: poolingTypeSchema,
  source_document_id: z.string(),
});
export type Embedding = z.infer<typeof embeddingSchema>;

export const embeddingResultSchema = z.union([
  taggedVariant("Embedding", embeddingSchema),
  taggedVariant(
    "DocumentExceedsBatchSize",
    z.strictObject({
      document_tokens: z.number().int(),
      n_batch: z.number().int(),
      source_document_id: z.string(),
    }),
  ),
  taggedVariant("Error", z.string()),
  unitVariant("Done"),
  unitVariant("EmbeddingsDisabled"),
  unitVariant("EmbeddingRejectedDueToActiveTokenGeneration"),
  unitVariant("NoEmbeddingsProduced"),
]);
export type EmbeddingResult = z.infer<typeof embeddingResultSchema>;

export function isTerminalEmbeddingResult(result: EmbeddingResult): boolean {
  return typeof result === "string" || "Error" in result;
}

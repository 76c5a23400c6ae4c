import { z } from "zod";
import { embeddingNormalizationMethodSchema } from "./embedding-normalization-method.js";

export const embeddingInputDocumentSchema = z.strictObject({ id: z.string(), content: z.string() });
export type EmbeddingInputDocument = z.infer<typeof embeddingInputDocumentSchema>;

export const generateEmbeddingBatchParamsSchema = z.strictObject({
  input_batch: z.array(embeddingInputDocumentSchema),
  normalization_method: embeddingNormalizationMethodSchema,
});
export type GenerateEmbeddingBatchParams = z.infer<typeof generateEmbeddingBatchParamsSchema>;

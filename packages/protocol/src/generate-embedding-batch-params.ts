import { z } from "zod";
import { embeddingNormalizationMethodSchema } from "./embedding-normalization-method.js";

export const embeddingInputDocumentSchema = z.strictObject({
  id: z.string(),
  content: z.string(),
  /** Token ids embedded instead of `content` (an extension; the OpenAI API takes them). */
  tokens: z.array(z.number().int().nonnegative()).min(1).optional(),
});
export type EmbeddingInputDocument = z.infer<typeof embeddingInputDocumentSchema>;

export const generateEmbeddingBatchParamsSchema = z.strictObject({
  input_batch: z.array(embeddingInputDocumentSchema),
  normalization_method: embeddingNormalizationMethodSchema,
});
export type GenerateEmbeddingBatchParams = z.infer<typeof generateEmbeddingBatchParamsSchema>;

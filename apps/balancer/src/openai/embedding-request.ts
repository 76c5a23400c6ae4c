import { z } from "zod";
import { tokenIdsSchema } from "./request-fields.js";

const text = z.string().min(1, { message: "input must not contain empty strings" });

/**
 * `POST /v1/embeddings`. Input is a string, an array of strings, token ids, or an array of
 * token-id arrays. `dimensions` truncates each vector and renormalises it (meaningful for
 * Matryoshka-trained models only). Unknown keys are ignored; accepted and ignored: `user`.
 */
export const embeddingRequestSchema = z.object({
  model: z.string().optional().default(""),
  input: z.union([text, z.array(text).min(1), tokenIdsSchema, z.array(tokenIdsSchema).min(1)], {
    error: () =>
      "input must be a non-empty string, an array of strings, an array of token ids (non-negative integers) or an array of such arrays",
  }),
  encoding_format: z.enum(["float", "base64"]).nullish(),
  dimensions: z.number().int().min(1).nullish(),
  user: z.string().nullish(),
});
export type EmbeddingRequest = z.infer<typeof embeddingRequestSchema>;

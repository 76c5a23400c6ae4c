import { z } from "zod";
import { unsupported } from "./request-fields.js";

const text = z.string().min(1, { message: "input must not contain empty strings" });

/**
 * `POST /v1/embeddings`. Token-id inputs are refused (the balancer has no tokenizer), and so is
 * `dimensions` (the model's size is fixed). Accepted and ignored: `user`.
 */
export const embeddingRequestSchema = z.strictObject({
  model: z.string(),
  input: z.union([
    text,
    z
      .array(text, { message: "input must be a string or an array of strings (token ids are not supported)" })
      .min(1, { message: "input must not be an empty array" }),
  ]),
  encoding_format: z.enum(["float", "base64"]).nullish(),
  dimensions: unsupported("dimensions"),
  user: z.string().nullish(),
});
export type EmbeddingRequest = z.infer<typeof embeddingRequestSchema>;

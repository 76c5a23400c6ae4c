import { z } from "zod";
import { llamaCppExtrasShape } from "./llama-cpp-extras.js";
import { onlyDefault, samplingFieldsShape, tokenIdsSchema, unsupported } from "./request-fields.js";

/**
 * `POST /v1/completions`. A prompt is a string, an array of strings, token ids, or an array of
 * token-id arrays. Unknown keys are ignored; accepted and ignored: `user`, `cache_prompt`,
 * `typical_p`.
 */
export const completionRequestSchema = z.object({
  model: z.string().optional().default(""),
  prompt: z.union(
    [
      z.string(),
      z.array(z.string()).min(1, { message: "prompt must not be an empty array" }),
      tokenIdsSchema,
      z.array(tokenIdsSchema).min(1, { message: "prompt must not be an empty array" }),
    ],
    {
      error: () =>
        "prompt must be a string, an array of strings, an array of token ids (non-negative integers) or an array of such arrays",
    },
  ),
  max_tokens: z.number().int().min(-1).nullish(),
  n_predict: z.number().int().min(-1).nullish(),
  stream: z.boolean().nullish(),
  stream_options: z
    .object({ include_usage: z.boolean().nullish(), continuous_usage_stats: z.boolean().nullish() })
    .nullish(),
  echo: z.boolean().nullish(),
  ...samplingFieldsShape,
  ...llamaCppExtrasShape,
  n: z.number().int().min(1).max(16).nullish(),
  best_of: onlyDefault(1, "best_of other than 1 is not supported by Paddler"),
  logprobs: z.number().int().min(0).max(5).nullish(),
  logit_bias: unsupported("logit_bias"),
  suffix: unsupported("suffix (fill-in-the-middle)"),
  user: z.string().nullish(),
});
export type CompletionRequest = z.infer<typeof completionRequestSchema>;

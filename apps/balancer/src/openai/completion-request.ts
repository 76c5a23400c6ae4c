import { z } from "zod";
import { onlyDefault, samplingFieldsShape, unsupported } from "./request-fields.js";

/**
 * `POST /v1/completions`. Prompts are strings (token-id prompts are refused: the balancer has no
 * tokenizer). Accepted and ignored: `user`.
 */
export const completionRequestSchema = z.strictObject({
  model: z.string(),
  prompt: z.union([
    z.string(),
    z
      .array(z.string(), {
        message: "prompt must be a string or an array of strings (token ids are not supported)",
      })
      .min(1, { message: "prompt must not be an empty array" }),
  ]),
  max_tokens: z.number().int().nonnegative().nullish(),
  stream: z.boolean().nullish(),
  stream_options: z.strictObject({ include_usage: z.boolean().optional() }).nullish(),
  echo: z.boolean().nullish(),
  ...samplingFieldsShape,
  n: onlyDefault(1, "n other than 1 is not supported by Paddler"),
  best_of: onlyDefault(1, "best_of other than 1 is not supported by Paddler"),
  logprobs: onlyDefault(0, "logprobs are not supported by Paddler"),
  logit_bias: unsupported("logit_bias"),
  suffix: unsupported("suffix (fill-in-the-middle)"),
  user: z.string().nullish(),
});
export type CompletionRequest = z.infer<typeof completionRequestSchema>;

/** OpenAI's documented default for completions (chat's is Paddler's 2000). */
export const defaultCompletionMaxTokens = 16;

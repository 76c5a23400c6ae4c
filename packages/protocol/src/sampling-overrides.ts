import { z } from "zod";

/** Stop strings one request may carry (llama-server has no limit; OpenAI allows 4). */
export const maxStopStrings = 32;
/** Top candidates per token a request may ask for (OpenAI allows 20). */
export const maxProbabilities = 20;

/**
 * Per-request sampling that overrides the cluster's inference parameters for one request.
 * Not in Paddler v4 (it has cluster-wide sampling only); optional, so Paddler clients never send it.
 * The OpenAI-compatible API maps `temperature`, `top_p`, penalties, `seed`, `stop` and llama.cpp's
 * extras (`top_k`, `min_p`, `typical_p`, `ignore_eos`, `n_probs`) onto it.
 */
export const samplingOverridesSchema = z.strictObject({
  temperature: z.number().min(0).max(2).optional(),
  top_p: z.number().min(0).max(1).optional(),
  top_k: z.number().int().nonnegative().optional(),
  min_p: z.number().min(0).max(1).optional(),
  penalty_presence: z.number().min(-2).max(2).optional(),
  penalty_frequency: z.number().min(-2).max(2).optional(),
  penalty_repeat: z.number().nonnegative().optional(),
  seed: z.number().int().nonnegative().optional(),
  /** Generation ends before any of these strings; the stop string itself is not returned. */
  stop: z.array(z.string().min(1)).max(maxStopStrings).optional(),
  /** llama.cpp's locally typical sampling; accepted, applied only by engines that have it. */
  typical_p: z.number().min(0).max(1).optional(),
  /** End-of-generation tokens are never sampled: only max_tokens, a stop string or the context end it. */
  ignore_eos: z.boolean().optional(),
  /** Report the probability of each sampled token and of this many top candidates (`Logprobs` results). */
  n_probs: z.number().int().min(0).max(maxProbabilities).optional(),
});
export type SamplingOverrides = z.infer<typeof samplingOverridesSchema>;

import { z } from "zod";

/**
 * Per-request sampling that overrides the cluster's inference parameters for one request.
 * Not in Paddler v4 (it has cluster-wide sampling only); optional, so Paddler clients never send it.
 * The OpenAI-compatible API maps `temperature`, `top_p`, penalties, `seed` and `stop` onto it.
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
  stop: z.array(z.string().min(1)).max(8).optional(),
});
export type SamplingOverrides = z.infer<typeof samplingOverridesSchema>;

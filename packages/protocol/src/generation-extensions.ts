import { z } from "zod";

/**
 * Fields the OpenAI-compatible services add to generation requests; not in Paddler v4, all
 * optional, so Paddler's own clients never send them and never get the results they switch on.
 */
export const generationExtensionsShape = {
  /**
   * The agent reports why generation ended (a `Finished` result right before `Done`), and a
   * generation that fills the slot's context ends with `Done` instead of a SamplerError.
   */
  report_finish: z.boolean().optional(),
  /** The agent sends a `Logprobs` result for every sampled token (with `sampling.n_probs` top candidates). */
  logprobs: z.boolean().optional(),
};

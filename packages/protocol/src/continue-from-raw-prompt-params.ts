import { z } from "zod";
import { grammarConstraintSchema } from "./grammar-constraint.js";
import { samplingOverridesSchema } from "./sampling-overrides.js";

export const continueFromRawPromptParamsSchema = z.strictObject({
  raw_prompt: z.string(),
  max_tokens: z.number().int(),
  grammar: grammarConstraintSchema.nullable().optional(),
  sampling: samplingOverridesSchema.optional(),
});
export type ContinueFromRawPromptParams = z.infer<typeof continueFromRawPromptParamsSchema>;

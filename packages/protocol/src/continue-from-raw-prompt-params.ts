import { z } from "zod";
import { generationExtensionsShape } from "./generation-extensions.js";
import { grammarConstraintSchema } from "./grammar-constraint.js";
import { samplingOverridesSchema } from "./sampling-overrides.js";

export const continueFromRawPromptParamsSchema = z.strictObject({
  raw_prompt: z.string(),
  max_tokens: z.number().int(),
  grammar: grammarConstraintSchema.nullable().optional(),
  sampling: samplingOverridesSchema.optional(),
  ...generationExtensionsShape,
  /** Token ids to continue from instead of `raw_prompt` (an extension; the OpenAI API takes them). */
  prompt_tokens: z.array(z.number().int().nonnegative()).min(1).optional(),
});
export type ContinueFromRawPromptParams = z.infer<typeof continueFromRawPromptParamsSchema>;

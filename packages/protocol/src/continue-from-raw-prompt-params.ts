import { z } from "zod";
import { grammarConstraintSchema } from "./grammar-constraint.js";

export const continueFromRawPromptParamsSchema = z.strictObject({
  raw_prompt: z.string(),
  max_tokens: z.number().int(),
  grammar: grammarConstraintSchema.nullable().optional(),
});
export type ContinueFromRawPromptParams = z.infer<typeof continueFromRawPromptParamsSchema>;

import { z } from "zod";

export const grammarConstraintSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("gbnf"), grammar: z.string().min(1), root: z.string().min(1) }),
  /** `schema` is a JSON document as a string, as Paddler takes it. */
  z.strictObject({ type: z.literal("json_schema"), schema: z.string().min(1) }),
]);
export type GrammarConstraint = z.infer<typeof grammarConstraintSchema>;

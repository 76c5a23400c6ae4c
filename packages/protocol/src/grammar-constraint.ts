import { z } from "zod";
import { exceedsGbnfLimits } from "./gbnf-limits.js";
import { exceedsJsonSchemaTextLimits } from "./json-schema-limits.js";

export const grammarConstraintSchema = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("gbnf"),
    grammar: z
      .string()
      .min(1)
      .superRefine((grammar, ctx) => {
        const breach = exceedsGbnfLimits(grammar);
        if (breach) ctx.addIssue({ code: "custom", message: `the grammar ${breach}` });
      }),
    root: z.string().min(1),
  }),
  /** `schema` is a JSON document as a string, as Paddler takes it. */
  z.strictObject({
    type: z.literal("json_schema"),
    schema: z
      .string()
      .min(1)
      .superRefine((schema, ctx) => {
        const breach = exceedsJsonSchemaTextLimits(schema);
        if (breach) ctx.addIssue({ code: "custom", message: `the JSON schema ${breach}` });
      }),
  }),
]);
export type GrammarConstraint = z.infer<typeof grammarConstraintSchema>;

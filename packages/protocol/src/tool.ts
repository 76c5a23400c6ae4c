import { z } from "zod";
import { exceedsJsonSchemaLimits } from "./json-schema-limits.js";

export const toolFunctionParametersSchema = z
  .object({
    type: z.string(),
    properties: z.record(z.string(), z.unknown()).optional(),
    required: z.array(z.string()).optional(),
    additionalProperties: z.unknown().optional(),
  })
  .loose()
  .superRefine((parameters, ctx) => {
    const breach = exceedsJsonSchemaLimits(parameters);
    if (breach) {
      ctx.addIssue({ code: "custom", message: `the JSON schema ${breach}` });
      return;
    }
    for (const [index, name] of (parameters.required ?? []).entries()) {
      if (!parameters.properties || !(name in parameters.properties)) {
        ctx.addIssue({
          code: "custom",
          path: ["required", index],
          message: `required property "${name}" is not defined in properties`,
        });
      }
    }
  });

export const toolSchema = z.strictObject({
  type: z.literal("function"),
  function: z.strictObject({
    name: z.string().min(1),
    description: z.string(),
    parameters: toolFunctionParametersSchema.optional(),
  }),
});
export type Tool = z.infer<typeof toolSchema>;

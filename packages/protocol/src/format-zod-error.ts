import type { z } from "zod";

export interface FieldProblem {
  /** Dotted path of the offending field, e.g. `inference_parameters.top_k`; empty for the whole value. */
  field: string;
  reason: string;
}

/** Turns a zod error into field/reason pairs that 4xx bodies and CLI messages can name. */
export function describeZodError(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => {
    const field = issue.path.map(String).join(".");
    if (issue.code === "unrecognized_keys") {
      const keys = issue.keys.join(", ");
      return {
        field: field ? `${field}.${issue.keys[0]}` : (issue.keys[0] ?? ""),
        reason: `unknown key(s): ${keys}`,
      };
    }
    return { field, reason: issue.message };
  });
}

export function formatZodError(error: z.ZodError): string {
  return describeZodError(error)
    .map((problem) => (problem.field ? `${problem.field}: ${problem.reason}` : problem.reason))
    .join("; ");
}

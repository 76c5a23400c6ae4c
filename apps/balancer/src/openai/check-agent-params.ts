import { describeZodError } from "@paddler/protocol";
import type { z } from "zod";
import { invalidRequest } from "./openai-error.js";

/**
 * Checks a mapped request against the protocol schema the agent uses, so what the agent would
 * refuse (a tool whose `required` names a missing property, too many stop strings) is a 400 here.
 * `renames` maps protocol field names back to the OpenAI ones the client sent.
 */
export function checkAgentParams<Schema extends z.ZodType>(
  schema: Schema,
  params: z.input<Schema>,
  renames: Record<string, string>,
): z.infer<Schema> {
  const result = schema.safeParse(params);
  if (result.success) return result.data;
  const [problem] = describeZodError(result.error);
  const [head = "", ...rest] = (problem?.field ?? "").split(".");
  const param = [renames[head] ?? head, ...rest].filter(Boolean).join(".") || null;
  throw invalidRequest(`Invalid value for '${param ?? "body"}': ${problem?.reason ?? "invalid"}`, param);
}

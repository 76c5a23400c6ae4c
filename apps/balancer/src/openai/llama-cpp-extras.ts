import { z } from "zod";

/**
 * llama-server's request extras that are not sampling: `chat_template_kwargs` (`enable_thinking`
 * is applied; other keys are accepted and ignored), `grammar` (GBNF, root rule `root`) and
 * `json_schema` (a schema the output must follow).
 */
export const llamaCppExtrasShape = {
  chat_template_kwargs: z.record(z.string(), z.unknown()).nullish(),
  grammar: z.string().min(1, { message: "grammar must not be empty" }).nullish(),
  json_schema: z.record(z.string(), z.unknown()).nullish(),
};

/** `chat_template_kwargs.enable_thinking` when it is a boolean; null otherwise. */
export function thinkingFromKwargs(kwargs: Record<string, unknown> | null | undefined): boolean | null {
  const value = kwargs?.enable_thinking;
  return typeof value === "boolean" ? value : null;
}

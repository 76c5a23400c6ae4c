import type { ContinueFromRawPromptParams } from "@paddler/protocol";
import { countKeys, isPlainObject } from "../../http/fast-body-checks.js";

/**
 * `{ raw_prompt, max_tokens }`, the body nearly every raw-prompt request is, checked by hand: the
 * same params continueFromRawPromptParamsSchema makes of it, or null for anything else, which the
 * schema then checks (and words the errors of). Held to the schema by a property test.
 */
export function fastRawPromptParams(body: unknown): ContinueFromRawPromptParams | null {
  if (!isPlainObject(body) || countKeys(body) !== 2) return null;
  const { raw_prompt, max_tokens } = body;
  if (typeof raw_prompt !== "string" || typeof max_tokens !== "number" || !Number.isSafeInteger(max_tokens))
    return null;
  return { raw_prompt, max_tokens };
}

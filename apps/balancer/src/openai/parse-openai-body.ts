import type { Logger } from "@paddler/logger";
import { parseJsonWithLimits } from "@paddler/protocol";
import type { Context } from "hono";
import type { z } from "zod";
import { droppedKeys } from "./dropped-keys.js";
import { notAppliedKeys } from "./not-applied-keys.js";
import { invalidRequest } from "./openai-error.js";

function paramOf(path: readonly PropertyKey[]): string | null {
  if (path.length === 0) return null;
  return path
    .map((key, index) => (typeof key === "number" ? `[${key}]` : `${index ? "." : ""}${String(key)}`))
    .join("");
}

/**
 * Reads and validates an OpenAI request body; the first problem becomes a 400 whose `param` names
 * the field (`messages[0].content`), as OpenAI's own errors do. Unknown keys are dropped and
 * logged at debug, as are known keys the engine does not apply (`typical_p`).
 */
export async function parseOpenAIBody<Schema extends z.ZodType>(
  c: Context,
  schema: Schema,
  logger?: Logger,
  /** A hand-written check of the common bodies that gives what `schema` would, or null (see fast-chat-completion-request.ts). */
  fast?: (body: unknown) => z.infer<Schema> | null,
): Promise<z.infer<Schema>> {
  const parsed = parseJsonWithLimits(await c.req.text());
  if (!parsed.ok) {
    throw invalidRequest(
      parsed.kind === "limit"
        ? `We refused the JSON body of your request: ${parsed.reason}`
        : `We could not parse the JSON body of your request (${parsed.reason})`,
      null,
      "invalid_json",
    );
  }
  const quick = fast?.(parsed.value);
  if (quick !== undefined && quick !== null) return quick;
  const result = schema.safeParse(parsed.value);
  if (result.success) {
    // Only worked out when they would be written (two walks over the body per request otherwise).
    if (logger && (logger.isLevelEnabled?.("debug") ?? true)) {
      const ignored = droppedKeys(parsed.value, result.data);
      if (ignored.length > 0)
        logger.debug("ignored unknown request keys", { path: c.req.path, keys: ignored.slice(0, 50) });
      const notApplied = notAppliedKeys(result.data);
      if (Object.keys(notApplied).length > 0)
        logger.debug("accepted request keys that are not applied", { path: c.req.path, keys: notApplied });
    }
    return result.data;
  }
  const [issue] = result.error.issues;
  if (!issue) throw invalidRequest("Invalid request body", null);
  if (issue.code === "unrecognized_keys") {
    const param = paramOf([...issue.path, issue.keys[0] ?? ""]);
    throw invalidRequest(
      `Unrecognized request argument supplied: ${issue.keys.join(", ")}`,
      param,
      "unknown_parameter",
    );
  }
  const param = paramOf(issue.path);
  throw invalidRequest(param ? `Invalid value for '${param}': ${issue.message}` : issue.message, param);
}

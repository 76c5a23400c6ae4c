import { describeZodError, parseJsonWithLimits } from "@paddler/protocol";
import type { Context } from "hono";
import type { z } from "zod";
import { InvalidRequestError } from "../errors.js";

/** Reads and validates a JSON body; any problem becomes a 400 naming the field and the reason. */
export async function parseJsonBody<Schema extends z.ZodType>(
  c: Context,
  schema: Schema,
  /** A hand-written check of the common bodies that gives what `schema` would, or null (see fast-raw-prompt-params.ts). */
  fast?: (body: unknown) => z.infer<Schema> | null,
): Promise<z.infer<Schema>> {
  const parsed = parseJsonWithLimits(await c.req.text());
  if (!parsed.ok) {
    throw new InvalidRequestError([
      {
        field: "",
        reason:
          parsed.kind === "limit"
            ? `body refused: ${parsed.reason}`
            : `body is not valid JSON (${parsed.reason})`,
      },
    ]);
  }
  const quick = fast?.(parsed.value);
  if (quick !== undefined && quick !== null) return quick;
  const result = schema.safeParse(parsed.value);
  if (!result.success) throw new InvalidRequestError(describeZodError(result.error), { cause: result.error });
  return result.data;
}

import { describeZodError } from "@paddler/protocol";
import type { Context } from "hono";
import type { z } from "zod";
import { InvalidRequestError } from "../errors.js";

/** Reads and validates a JSON body; any problem becomes a 400 naming the field and the reason. */
export async function parseJsonBody<Schema extends z.ZodType>(
  c: Context,
  schema: Schema,
): Promise<z.infer<Schema>> {
  const text = await c.req.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InvalidRequestError(
      [{ field: "", reason: `body is not valid JSON (${(error as Error).message})` }],
      {
        cause: error,
      },
    );
  }
  const result = schema.safeParse(json);
  if (!result.success) throw new InvalidRequestError(describeZodError(result.error), { cause: result.error });
  return result.data;
}

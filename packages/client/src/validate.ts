import { formatZodError } from "@paddler/protocol";
import type { z } from "zod";
import { PaddlerError } from "./errors.js";

function parseWith<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  url: string,
  failure: { code: "invalid_response" | "invalid_request"; prefix: string },
): z.infer<Schema> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new PaddlerError({
    code: failure.code,
    message: `${failure.prefix} ${url}: ${formatZodError(result.error)}`,
    url,
    body: value,
    cause: result.error,
  });
}

/** Validates what the server sent; a mismatch is a PaddlerError `invalid_response`. */
export function parseResponse<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  url: string,
): z.infer<Schema> {
  return parseWith(schema, value, url, { code: "invalid_response", prefix: "Unexpected response from" });
}

/** Validates what we are about to send; a mismatch is a PaddlerError `invalid_request`. */
export function parseRequest<Schema extends z.ZodType>(
  schema: Schema,
  value: unknown,
  url: string,
): z.infer<Schema> {
  return parseWith(schema, value, url, { code: "invalid_request", prefix: "Invalid request to" });
}

/** JSON.parse that reports `invalid_response` instead of a SyntaxError. */
export function parseJsonText(text: string, url: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new PaddlerError({
      code: "invalid_response",
      message: `Malformed JSON from ${url}`,
      url,
      body: text,
      cause,
    });
  }
}

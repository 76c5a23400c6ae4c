import type { z } from "zod";
import { parseJsonText, parseResponse } from "../validate.js";
import { readLines } from "./lines.js";

/** Parses an NDJSON body, validating each non-blank line with `schema`. */
export async function* parseNdjson<Schema extends z.ZodType>(
  body: ReadableStream<Uint8Array>,
  schema: Schema,
  url: string,
  signal?: AbortSignal,
): AsyncGenerator<z.infer<Schema>> {
  for await (const line of readLines(body, signal)) {
    if (line.trim() === "") continue;
    yield parseResponse(schema, parseJsonText(line, url), url);
  }
}

import type { ServerResponse } from "node:http";
import type { TextOut } from "./direct-stream.js";
import { pushTextResponse, textStreamResponse } from "./text-stream-response.js";

const ndjsonHeaders = { "Content-Type": "application/json", "X-Content-Type-Options": "nosniff" };

/** Streams NDJSON (one JSON value per line) as Paddler does: 200, `application/json`, no caching. */
export function ndjsonResponse(lines: AsyncIterable<unknown>, onCancel: () => void): Response {
  async function* chunks() {
    for await (const line of lines) yield `${JSON.stringify(line)}\n`;
  }
  return ndjsonTextResponse(chunks(), onCancel);
}

/** The same, for lines already serialised (each ending in `\n`). */
export function ndjsonTextResponse(chunks: AsyncIterable<string>, onCancel: () => void): Response {
  return textStreamResponse({ chunks, onCancel, headers: ndjsonHeaders });
}

/** The same, for lines (each ending in `\n`) written by calls as they come (see pushTextResponse). */
export function ndjsonPushResponse(
  start: (out: TextOut) => void,
  onCancel: () => void,
  direct?: ServerResponse,
): Response {
  return pushTextResponse({ start, onCancel, headers: ndjsonHeaders, direct });
}

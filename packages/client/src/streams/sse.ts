import { readLines } from "./lines.js";

/** One Server-Sent Event, as the HTML spec assembles it from its fields. */
export interface ServerSentEvent {
  event: string;
  data: string;
  id: string | undefined;
  retry: number | undefined;
}

/**
 * Parses a `text/event-stream` body. `:` comment lines (keep-alives) are skipped;
 * an event is dispatched at a blank line when it has data.
 */
export async function* parseSse(
  body: ReadableStream<Uint8Array>,
  signal?: AbortSignal,
): AsyncGenerator<ServerSentEvent> {
  let event = "";
  let data: string[] = [];
  let id: string | undefined;
  let retry: number | undefined;
  for await (const line of readLines(body, signal)) {
    if (line === "") {
      if (data.length > 0) yield { event: event || "message", data: data.join("\n"), id, retry };
      event = "";
      data = [];
      retry = undefined;
      continue;
    }
    if (line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    switch (field) {
      case "event":
        event = value;
        break;
      case "data":
        data.push(value);
        break;
      case "id":
        if (!value.includes("\0")) id = value;
        break;
      case "retry":
        if (/^\d+$/.test(value)) retry = Number(value);
        break;
      default:
        break;
    }
  }
}

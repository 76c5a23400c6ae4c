import { createParser } from "eventsource-parser";
import { readBodyChunks } from "./read-body-chunks.js";

/** The `data` of each server-sent event in an HTTP response body, in order. */
export async function* readSseData(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const pending: string[] = [];
  const parser = createParser({ onEvent: (event) => pending.push(event.data) });
  const decoder = new TextDecoder();
  for await (const chunk of readBodyChunks(body)) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    while (pending.length > 0) yield pending.shift() as string;
  }
  parser.feed(decoder.decode());
  while (pending.length > 0) yield pending.shift() as string;
}

import { describe, expect, it } from "vitest";
import { readLines } from "./lines.js";
import { parseSse, type ServerSentEvent } from "./sse.js";

function bodyOf(chunks: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks)
        controller.enqueue(typeof chunk === "string" ? encoder.encode(chunk) : chunk);
      controller.close();
    },
  });
}

async function all<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const values: T[] = [];
  for await (const value of iterable) values.push(value);
  return values;
}

describe("readLines", () => {
  it("splits on LF, CRLF and CR, across chunk boundaries, and decodes split UTF-8", async () => {
    const snowman = new TextEncoder().encode("☃");
    const lines = await all(
      readLines(bodyOf(["a\r", "\nb\rc\n", snowman.slice(0, 1), snowman.slice(1), "\n", "tail"])),
    );
    expect(lines).toEqual(["a", "b", "c", "☃", "tail"]);
  });
});

describe("parseSse", () => {
  it("assembles events per the spec: comments skipped, multi-line data joined, names, ids and retry kept", async () => {
    const events = await all(
      parseSse(
        bodyOf([
          ": keep-alive\n\n",
          'event: update\nid: 7\nretry: 1500\ndata: {"a":\ndata: 1}\n\n',
          "data:no-space\n\n",
          "id: 8\n\n", // No data: nothing dispatched.
          "data: unterminated",
        ]),
      ),
    );
    expect(events).toEqual<ServerSentEvent[]>([
      { event: "update", data: '{"a":\n1}', id: "7", retry: 1500 },
      { event: "message", data: "no-space", id: "7", retry: undefined },
    ]);
  });
});

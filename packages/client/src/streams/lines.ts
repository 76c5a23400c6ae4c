/** Splits a byte stream into text lines (LF, CRLF or CR), decoding UTF-8 across chunk boundaries. */
export async function* readLines(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let pending = "";
  let skipLeadingLf = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      pending += done ? decoder.decode() : decoder.decode(value, { stream: true });
      let start = 0;
      for (let index = 0; index < pending.length; index += 1) {
        const char = pending[index];
        if (skipLeadingLf) {
          skipLeadingLf = false;
          if (char === "\n" && index === start) {
            start = index + 1;
            continue;
          }
        }
        if (char === "\n" || char === "\r") {
          yield pending.slice(start, index);
          start = index + 1;
          skipLeadingLf = char === "\r";
        }
      }
      pending = pending.slice(start);
      if (done) {
        if (pending.length > 0) yield pending;
        return;
      }
    }
  } finally {
    // Cancelling (rather than just releasing) tells fetch to close the connection when we stop early.
    await reader.cancel().catch(() => undefined);
  }
}

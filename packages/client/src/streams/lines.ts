/**
 * Splits a byte stream into text lines (LF, CRLF or CR), decoding UTF-8 across chunk boundaries.
 * Stops with the signal's reason when it fires, even if the body would never settle.
 */
export async function* readLines(
  body: ReadableStream<Uint8Array>,
  signal?: AbortSignal,
): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let pending = "";
  let skipLeadingLf = false;
  try {
    for (;;) {
      const { value, done } = await readChunk(reader, signal);
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
    // Not awaited: after an abort, some fetch implementations never settle the cancel either.
    reader.cancel().catch(() => undefined);
  }
}

/**
 * `reader.read()`, rejecting when the signal fires. Node's fetch leaves a read pending forever
 * when the request is aborted after its body has fully arrived, so the race is needed.
 */
function readChunk(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  signal: AbortSignal | undefined,
): Promise<ReadableStreamReadResult<Uint8Array>> {
  if (!signal) return reader.read();
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    reader.read().then(
      (result) => {
        signal.removeEventListener("abort", onAbort);
        resolve(result);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

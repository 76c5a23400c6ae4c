/** The chunks of a fetch response body as they arrive; the lock is released when the loop ends. */
export async function* readBodyChunks(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    // Stopping early (abort, error) cancels the body, so the connection is closed, not leaked.
    await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

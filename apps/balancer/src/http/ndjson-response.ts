/**
 * Streams NDJSON (one JSON value per line) as Paddler does: 200, `application/json`, no caching.
 * `onCancel` runs when the client goes away, so the request can be stopped on the agent.
 */
export function ndjsonResponse(lines: AsyncIterable<unknown>, onCancel: () => void): Response {
  const iterator = lines[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(`${JSON.stringify(next.value)}\n`));
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      onCancel();
      await iterator.return?.();
    },
  });
  return new Response(body, {
    status: 200,
    headers: {
      "Content-Type": "application/json",
      "Cache-Control": "no-cache",
      "X-Content-Type-Options": "nosniff",
    },
  });
}

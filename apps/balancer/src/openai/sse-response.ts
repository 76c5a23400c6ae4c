export interface SseMessage {
  /** The SSE `event:` name; chat and completions send unnamed events. */
  event?: string;
  data: string;
}

/**
 * A `text/event-stream` response over an async iterable. `onCancel` runs when the client goes
 * away mid-stream, so the request stops on the agent and its slot frees.
 */
export function sseResponse(messages: AsyncIterable<SseMessage>, onCancel: () => void): Response {
  const iterator = messages[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await iterator.next();
        if (next.done) {
          controller.close();
          return;
        }
        const { event, data } = next.value;
        controller.enqueue(encoder.encode(`${event ? `event: ${event}\n` : ""}data: ${data}\n\n`));
      } catch (error) {
        onCancel();
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
      "Content-Type": "text/event-stream; charset=utf-8",
      "Cache-Control": "no-cache",
      Connection: "keep-alive",
      "X-Accel-Buffering": "no",
    },
  });
}

import { registerDirectSource } from "./direct-stream.js";

/**
 * A streaming 200 response whose body is the text chunks of an async iterable. `onCancel` runs
 * when the client goes away mid-stream or the source fails, so the request stops on the agent and
 * its slot frees. Served by serveApp, the chunks go straight to Node's response (see
 * direct-stream.ts); anywhere else the Web stream below carries them.
 */
export function textStreamResponse(options: {
  chunks: AsyncIterable<string>;
  onCancel: () => void;
  headers: Record<string, string>;
}): Response {
  const iterator = options.chunks[Symbol.asyncIterator]();
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const next = await iterator.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        } catch (error) {
          options.onCancel();
          controller.error(error);
        }
      },
      async cancel() {
        options.onCancel();
        await iterator.return?.();
      },
    },
    // Nothing is pulled before a reader asks: a server that takes the source directly never reads.
    { highWaterMark: 0 },
  );
  registerDirectSource(body, { chunks: iterator, onCancel: options.onCancel });
  return new Response(body, { status: 200, headers: { "Cache-Control": "no-cache", ...options.headers } });
}

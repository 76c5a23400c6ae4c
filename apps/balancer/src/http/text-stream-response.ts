import type { ServerResponse } from "node:http";
import { registerBodilessSource, registerDirectSource, type TextOut } from "./direct-stream.js";

const cacheControl = { "Cache-Control": "no-cache" };

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
  registerDirectSource(body, { kind: "pull", chunks: iterator, onCancel: options.onCancel });
  return new Response(body, { status: 200, headers: { ...cacheControl, ...options.headers } });
}

/**
 * The same for a body produced by calls: `start` runs once, when the body is first read, and calls
 * `out.write` per chunk and `out.end` once. Served by serveApp each chunk is a string append (the
 * chunks of one event-loop turn leave in one write); elsewhere the Web stream carries them.
 */
export function pushTextResponse(options: {
  start: (out: TextOut) => void;
  onCancel: () => void;
  headers: Record<string, string>;
  /** Node's response when serveApp serves the request (see directOutgoing): no Web stream then. */
  direct?: ServerResponse | undefined;
}): Response {
  const headers = { ...cacheControl, ...options.headers };
  if (options.direct) {
    const response = new Response(null, { status: 200, headers });
    registerBodilessSource(
      options.direct,
      { kind: "push", start: options.start, onCancel: options.onCancel },
      response,
    );
    return response;
  }
  const encoder = new TextEncoder();
  let started = false;
  let closed = false;
  const body = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (started) return;
        started = true;
        try {
          options.start({
            write(chunk) {
              if (!closed) controller.enqueue(encoder.encode(chunk));
            },
            end() {
              if (closed) return;
              closed = true;
              controller.close();
            },
          });
        } catch (error) {
          closed = true;
          options.onCancel();
          controller.error(error);
        }
      },
      cancel() {
        if (closed) return;
        closed = true;
        options.onCancel();
      },
    },
    // Nothing starts before a reader asks: a server that takes the source directly never reads.
    { highWaterMark: 0 },
  );
  registerDirectSource(body, { kind: "push", start: options.start, onCancel: options.onCancel });
  return new Response(body, { status: 200, headers });
}

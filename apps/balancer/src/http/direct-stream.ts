import type { ServerResponse } from "node:http";

/** A streamed body as text chunks, with what to do when the client goes away or the source fails. */
export interface DirectSource {
  chunks: AsyncIterator<string>;
  onCancel: () => void;
}

const sources = new WeakMap<ReadableStream, DirectSource>();

/**
 * Marks a streamed Response's body as also readable straight from its source, so a server that
 * owns the Node response (serveApp) can skip the Web stream. The body must pull lazily (high-water
 * mark 0): a server that takes the source never reads it, and one that does not reads it as usual.
 */
export function registerDirectSource(body: ReadableStream, source: DirectSource): void {
  sources.set(body, source);
}

/** The source behind a Response's body, once: whoever takes it writes the body. */
export function takeDirectSource(response: Response): DirectSource | undefined {
  const body = response.body;
  if (!body || body.locked) return undefined;
  const source = sources.get(body);
  if (source) sources.delete(body);
  return source;
}

/**
 * Writes a Response's status and headers, then its body from the source, to a Node response.
 * Chunks produced in one event-loop turn (tokens that arrived together) leave in one write.
 */
export function writeDirect(response: Response, source: DirectSource, outgoing: ServerResponse): void {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    headers[name] = name === "set-cookie" ? response.headers.getSetCookie() : value;
  });
  outgoing.writeHead(response.status, headers);
  outgoing.flushHeaders();
  let pending = "";
  let scheduled = false;
  let finished = false;
  const flush = () => {
    scheduled = false;
    if (pending === "" || outgoing.writableEnded || outgoing.destroyed) return;
    const text = pending;
    pending = "";
    outgoing.write(text);
  };
  const cancel = () => {
    if (finished) return;
    finished = true;
    source.onCancel();
    void source.chunks.return?.();
  };
  outgoing.once("close", () => {
    if (!outgoing.writableFinished) cancel();
  });
  void (async () => {
    try {
      for (;;) {
        const next = await source.chunks.next();
        if (next.done || finished) break;
        pending += next.value;
        if (!scheduled) {
          scheduled = true;
          setImmediate(flush);
        }
      }
      finished = true;
      const rest = pending;
      pending = "";
      if (!outgoing.destroyed) outgoing.end(rest);
    } catch (error) {
      cancel();
      outgoing.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  })();
}

import { ServerResponse } from "node:http";

/** Where a push source writes its body: text chunks, then the end (once). */
export interface TextOut {
  write(chunk: string): void;
  end(): void;
}

/**
 * A streamed body as text chunks, with what to do when the client goes away or the source fails.
 * `pull`: an async iterator read in a loop. `push`: started once with a writer it calls as chunks
 * come (the hot inference routes: no promise per chunk).
 */
export type DirectSource =
  | { kind: "pull"; chunks: AsyncIterator<string>; onCancel: () => void }
  | { kind: "push"; start: (out: TextOut) => void; onCancel: () => void };

/** How long a streamed response's head may wait for its first chunk before it is sent alone. */
export const HEAD_ALONE_AFTER_MS = 50;

const sources = new WeakMap<ReadableStream, DirectSource>();
// Keyed by Node's response, not the Response object: Hono makes a new Response when a middleware
// has set headers before the route answered, and a bodiless one has nothing else to carry a key.
const bodiless = new WeakMap<ServerResponse, DirectSource>();

/**
 * Node's response when this request is served by serveApp, which writes a registered source
 * straight to it (Hono's env there holds the Node objects; `app.request()` and other hosts do not).
 */
export function directOutgoing(env: unknown): ServerResponse | undefined {
  if (typeof env !== "object" || env === null) return undefined;
  const outgoing: unknown = Reflect.get(env, "outgoing");
  return outgoing instanceof ServerResponse ? outgoing : undefined;
}

/**
 * Registers the source of a Response made without a body, for a request served directly: no Web
 * stream is built at all (building one cost about a tenth of the balancer's CPU per request).
 */
export function registerBodilessSource(
  outgoing: ServerResponse,
  source: DirectSource,
  response: Response,
): void {
  bodiless.set(outgoing, source);
  untouched.add(response);
}

// The bodiless Responses as the routes made them: one that reaches the server unchanged needs no
// look at its body (the lightweight Response @hono/node-server provides builds a full one for that).
const untouched = new WeakSet<Response>();

/**
 * Marks a streamed Response's body as also readable straight from its source, so a server that
 * owns the Node response (serveApp) can skip the Web stream. The body must pull lazily (high-water
 * mark 0): a server that takes the source never reads it, and one that does not reads it as usual.
 */
export function registerDirectSource(body: ReadableStream, source: DirectSource): void {
  sources.set(body, source);
}

/** The source behind a Response's body, once: whoever takes it writes the body. */
export function takeDirectSource(response: Response, outgoing: ServerResponse): DirectSource | undefined {
  const withoutBody = bodiless.get(outgoing);
  if (withoutBody) {
    bodiless.delete(outgoing);
    if (untouched.has(response) || response.body === null) return withoutBody;
    // Something answered instead (an error after the route returned): the source never starts.
    withoutBody.onCancel();
  }
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
  // The head leaves with the first chunk, in the same write (one syscall less per request); a
  // request that waits longer for it (buffered until a slot frees) gets the head on its own.
  let headTimer: NodeJS.Timeout | undefined = setTimeout(() => {
    headTimer = undefined;
    if (!outgoing.destroyed) outgoing.flushHeaders();
  }, HEAD_ALONE_AFTER_MS);
  const stopHeadTimer = () => {
    if (headTimer === undefined) return;
    clearTimeout(headTimer);
    headTimer = undefined;
  };
  let pending = "";
  let scheduled = false;
  let finished = false;
  const flush = () => {
    scheduled = false;
    if (pending === "" || outgoing.writableEnded || outgoing.destroyed) return;
    stopHeadTimer();
    const text = pending;
    pending = "";
    try {
      writeNow(outgoing, text);
    } catch (error) {
      fail(error);
    }
  };
  const write = (chunk: string) => {
    if (finished) return;
    pending += chunk;
    if (!scheduled) {
      scheduled = true;
      flushThisTurn(flush);
    }
  };
  const end = () => {
    if (finished) return;
    finished = true;
    stopHeadTimer();
    const rest = pending;
    pending = "";
    if (!outgoing.destroyed) outgoing.end(rest);
  };
  const fail = (error: unknown) => {
    cancel();
    outgoing.destroy(error instanceof Error ? error : new Error(String(error)));
  };
  const cancel = () => {
    stopHeadTimer();
    if (finished) return;
    finished = true;
    source.onCancel();
    if (source.kind === "pull") void source.chunks.return?.();
  };
  outgoing.once("close", () => {
    if (!outgoing.writableFinished) cancel();
  });
  if (source.kind === "push") {
    try {
      source.start({ write, end });
    } catch (error) {
      fail(error);
    }
    return;
  }
  void (async () => {
    try {
      for (;;) {
        const next = await source.chunks.next();
        if (next.done || finished) break;
        write(next.value);
      }
      end();
    } catch (error) {
      fail(error);
    }
  })();
}

// One check-phase callback per event-loop turn flushes every response that got chunks in it,
// instead of one Immediate per response per turn (one per relayed token under a steady stream).
let dueThisTurn: (() => void)[] = [];
function flushThisTurn(flush: () => void): void {
  dueThisTurn.push(flush);
  if (dueThisTurn.length === 1) setImmediate(flushAll);
}
function flushAll(): void {
  const due = dueThisTurn;
  dueThisTurn = [];
  for (const flush of due) flush();
}

/**
 * A chunk written with the socket already corked goes out on the uncork, in this call: Node
 * otherwise corks it itself and uncorks on the next tick, one more callback per relayed chunk.
 */
function writeNow(outgoing: ServerResponse, text: string): void {
  const socket = outgoing.socket;
  if (socket === null) {
    outgoing.write(text);
    return;
  }
  socket.cork();
  outgoing.write(text);
  socket.uncork();
}

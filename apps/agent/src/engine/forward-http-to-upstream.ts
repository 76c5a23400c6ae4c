import type { ForwardedHttpEvent, ForwardHttpRequest } from "@paddler/protocol";
import { readBodyChunks } from "./read-body-chunks.js";

// Hop-by-hop headers and those that describe the transfer rather than the content stay behind.
const droppedRequestHeaders = new Set([
  "authorization",
  "x-api-key",
  "host",
  "connection",
  "content-length",
  "transfer-encoding",
  "accept-encoding",
  "keep-alive",
  "upgrade",
  "te",
  "trailer",
  "proxy-authorization",
  "cookie",
]);
const droppedResponseHeaders = new Set([
  "connection",
  "content-length",
  "transfer-encoding",
  "keep-alive",
  "content-encoding",
  "date",
  "server",
  "set-cookie",
]);

export interface ForwardTarget {
  /** The upstream's root, e.g. `http://127.0.0.1:8080` (no trailing slash). */
  rootUrl: string;
  /** The agent's own credentials for the upstream (never the client's). */
  headers: Record<string, string>;
}

/**
 * Sends a client's request to the upstream as it came and yields its reply: the head, the body in
 * chunks exactly as the upstream wrote them (asked for without compression), then End. A
 * connection failure or a reply cut short ends with Failed. An abort ends quietly.
 */
export async function* forwardHttpToUpstream(
  target: ForwardTarget,
  request: ForwardHttpRequest,
  signal: AbortSignal,
): AsyncGenerator<ForwardedHttpEvent> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (!droppedRequestHeaders.has(name.toLowerCase())) headers[name.toLowerCase()] = value;
  }
  // The agent's trace context replaces the client's (the agent's span already continues it).
  if (target.headers.traceparent !== undefined) delete headers.tracestate;
  Object.assign(headers, target.headers, { "accept-encoding": "identity" });
  let response: Response;
  try {
    response = await fetch(`${target.rootUrl}${request.path}`, {
      method: request.method,
      headers,
      body: request.method === "POST" ? Buffer.from(request.body_base64, "base64") : undefined,
      signal,
    });
  } catch (error) {
    if (signal.aborted) return;
    yield { Failed: `the upstream is unreachable: ${(error as Error).message}` };
    return;
  }
  const responseHeaders: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (!droppedResponseHeaders.has(name)) responseHeaders[name] = value;
  });
  yield { Head: { status: response.status, headers: responseHeaders } };
  if (!response.body) {
    yield "End";
    return;
  }
  try {
    for await (const chunk of readBodyChunks(response.body)) {
      yield { Chunk: Buffer.from(chunk).toString("base64") };
    }
  } catch (error) {
    if (signal.aborted) return;
    yield { Failed: `the upstream broke off its reply: ${(error as Error).message}` };
    return;
  }
  yield "End";
}

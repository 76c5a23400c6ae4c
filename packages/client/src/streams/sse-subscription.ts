import type { z } from "zod";
import { sleep } from "../abort.js";
import { type BackoffOptions, backoffDelay } from "../backoff.js";
import { PaddlerError } from "../errors.js";
import type { RequestOptions } from "../http/request-options.js";
import type { Transport } from "../http/transport.js";
import { parseJsonText, parseResponse } from "../validate.js";
import { parseSse } from "./sse.js";

export interface SseSubscriptionOptions extends RequestOptions {
  /** Reconnect delays after a drop. A `retry:` field from the server sets the first delay. */
  reconnect?: BackoffOptions | undefined;
  /** Told `true` when the stream is open and `false` when it dropped (before each reconnect). */
  onConnectionChange?: ((connected: boolean) => void) | undefined;
}

/**
 * Follows an SSE endpoint whose `data:` lines are JSON documents, validating each with `schema`.
 * Reconnects after a drop or a 5xx (with backoff, sending `Last-Event-ID` when the server set one).
 * Ends quietly when the signal fires or the loop is left; throws a PaddlerError on a 4xx
 * (`http_error`) or a malformed event (`invalid_response`).
 */
export async function* subscribeSse<Schema extends z.ZodType>(
  transport: Transport,
  url: string,
  schema: Schema,
  { signal, headers, reconnect, onConnectionChange }: SseSubscriptionOptions,
): AsyncGenerator<z.infer<Schema>> {
  let attempt = 0;
  let lastEventId: string | undefined;
  let serverRetryMs: number | undefined;
  while (!signal?.aborted) {
    try {
      const response = await transport.send(url, {
        accept: "text/event-stream",
        signal,
        headers: lastEventId === undefined ? headers : { ...headers, "Last-Event-ID": lastEventId },
      });
      if (response.body === null)
        throw new PaddlerError({ code: "invalid_response", message: "No body", url });
      attempt = 0;
      onConnectionChange?.(true);
      for await (const event of parseSse(response.body, signal)) {
        if (event.id !== undefined) lastEventId = event.id;
        if (event.retry !== undefined) serverRetryMs = event.retry;
        if (event.event !== "message") continue;
        yield parseResponse(schema, parseJsonText(event.data, url), url);
      }
      // The server ended the stream (a restart, a proxy timeout): a drop like any other.
      if (!signal?.aborted) onConnectionChange?.(false);
    } catch (error) {
      if (signal?.aborted) return;
      onConnectionChange?.(false);
      if (!isRetryable(error)) throw error;
    }
    const delay = serverRetryMs ?? 0;
    await sleep(Math.max(delay, backoffDelay(attempt, reconnect)), signal);
    attempt += 1;
  }
}

function isRetryable(error: unknown): boolean {
  if (!(error instanceof PaddlerError)) return true; // A reset connection while reading the body.
  if (error.code === "network_error") return true;
  return error.code === "http_error" && (error.status === undefined || error.status >= 500);
}

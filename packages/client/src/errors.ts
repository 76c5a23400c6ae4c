/** What went wrong, as a stable string to switch on. */
export type PaddlerErrorCode =
  /** The server answered with a non-2xx status; `status` and `body` say more. */
  | "http_error"
  /** The server sent something the protocol schemas refuse (a malformed line, frame or body). */
  | "invalid_response"
  /** The request never got an answer: connection refused, DNS, a reset connection. */
  | "network_error"
  /** The caller's AbortSignal fired. */
  | "aborted"
  /** The inference socket dropped while this request was in flight. */
  | "socket_closed"
  /** An in-band `{"Error":{request_id, error}}` line or frame; `status` is its code. */
  | "inference_error"
  /** A terminal generation result other than `Done` (e.g. `GrammarSyntaxError`). */
  | "generation_error"
  /** The stream ended before its terminal message. */
  | "incomplete_stream"
  /** The parameters do not match the protocol schema; nothing was sent. */
  | "invalid_request"
  /** The client is missing something it needs (a URL, a WebSocket implementation). */
  | "configuration_error";

export interface PaddlerErrorOptions {
  code: PaddlerErrorCode;
  message: string;
  status?: number | undefined;
  url?: string | undefined;
  body?: unknown;
  cause?: unknown;
}

/** The one error class the client throws. Switch on `code`. */
export class PaddlerError extends Error {
  override readonly name = "PaddlerError";
  readonly code: PaddlerErrorCode;
  /** HTTP status for `http_error`, the in-band error code for `inference_error`. */
  readonly status: number | undefined;
  readonly url: string | undefined;
  /** The parsed JSON body (or its text) for `http_error`; the offending message otherwise. */
  readonly body: unknown;

  constructor({ code, message, status, url, body, cause }: PaddlerErrorOptions) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
    this.status = status;
    this.url = url;
    this.body = body;
  }
}

export function isPaddlerError(error: unknown): error is PaddlerError {
  return error instanceof PaddlerError;
}

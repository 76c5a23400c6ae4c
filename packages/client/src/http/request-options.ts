/** Per-call options every client method takes. */
export interface RequestOptions {
  /** Aborting cancels the call: the HTTP request is closed, or `StopRespondingTo` is sent over the socket. */
  signal?: AbortSignal | undefined;
  /** Extra headers for this call (HTTP only), merged over the client's. */
  headers?: Record<string, string> | undefined;
}

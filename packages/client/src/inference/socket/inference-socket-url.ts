import { joinUrl } from "../../http/join-url.js";

/**
 * `http(s)://host/prefix` → `ws(s)://host/prefix/api/v1/inference_socket`. Browsers cannot set
 * headers on a WebSocket, so an API key travels as the RFC 6750 `access_token` query parameter.
 */
export function inferenceSocketUrl(
  inferenceUrl: string,
  apiKey: string | undefined,
  pool: string | undefined = undefined,
): string {
  const url = new URL(joinUrl(inferenceUrl, "/api/v1/inference_socket"));
  if (url.protocol === "http:") url.protocol = "ws:";
  else if (url.protocol === "https:") url.protocol = "wss:";
  if (apiKey !== undefined) url.searchParams.set("access_token", apiKey);
  // The model pool, as a query parameter for the same reason (X-Paddler-Pool over HTTP).
  if (pool !== undefined) url.searchParams.set("pool", pool);
  return url.toString();
}

/** The same URL with the key masked, for error messages and `PaddlerError.url`: keys are never shown. */
export function redactAccessToken(url: string): string {
  const parsed = new URL(url);
  if (!parsed.searchParams.has("access_token")) return url;
  parsed.searchParams.set("access_token", "redacted");
  return parsed.toString();
}

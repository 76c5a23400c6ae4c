import { isPaddlerError, type PaddlerError } from "@paddler/client";
import type { Service } from "./credential-store.js";

/** A 401 from the balancer: missing or wrong credentials. */
export function isUnauthorized(error: unknown): error is PaddlerError {
  return isPaddlerError(error) && error.code === "http_error" && error.status === 401;
}

/** Which service a 401 came from, by the URL the client called; `null` when it is neither. */
export function unauthorizedService(
  error: unknown,
  urls: { managementUrl: string; inferenceUrl: string | null },
): Service | null {
  if (!isUnauthorized(error) || error.url === undefined) return null;
  if (error.url.startsWith(`${urls.managementUrl}/`)) return "management";
  if (urls.inferenceUrl !== null && error.url.startsWith(`${urls.inferenceUrl}/`)) return "inference";
  return null;
}

/** A query `retry` that never retries a 401 (the same credential would be refused again). */
export const retryUnlessUnauthorized =
  (times: number) =>
  (failureCount: number, error: Error): boolean =>
    !isUnauthorized(error) && failureCount < times;

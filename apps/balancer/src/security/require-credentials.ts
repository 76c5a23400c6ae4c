import type { Context, MiddlewareHandler } from "hono";
import { UnauthorizedError } from "../errors.js";
import { bearerToken } from "./bearer-token.js";
import type { SecretMatcher } from "./secret-matcher.js";

export interface RequireCredentialsOptions {
  /** Null leaves the service open. */
  matches: SecretMatcher | null;
  /** Paths that need no credential here (health checks; the agent socket has its own secret). */
  exempt?: (path: string) => boolean;
  /** Where the credential is read from; a bearer token unless told otherwise. */
  credential?: (c: Context) => string | null;
}

/**
 * Refuses a request without a valid bearer credential with a 401 that says nothing about why, in
 * the service's own error shape (the app's onError maps `UnauthorizedError`). CORS preflights
 * never reach this: the CORS middleware answers them first.
 */
export function requireCredentials({
  matches,
  exempt,
  credential = bearerToken,
}: RequireCredentialsOptions): MiddlewareHandler {
  return async (c, next) => {
    if (matches === null || c.req.path === "/health" || exempt?.(c.req.path)) return next();
    if (!matches(credential(c))) throw new UnauthorizedError();
    return next();
  };
}

import type { MiddlewareHandler } from "hono";
import { nanoid } from "nanoid";

declare module "hono" {
  interface ContextVariableMap {
    /** The id that follows this request through the logs, to the agent, and back in `X-Request-Id`. */
    requestId: string;
  }
}

const requestIdPattern = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Takes the client's `X-Request-Id` when it is a sane token (else a fresh nanoid), keeps it for the
 * handlers (which hand it to the dispatcher), and returns it in the response's `X-Request-Id`. No
 * async context: its promise hooks cost a measurable share of every request's CPU.
 */
export function requestIdMiddleware(): MiddlewareHandler {
  return async (c, next) => {
    const incoming = c.req.header("x-request-id");
    const requestId = incoming !== undefined && requestIdPattern.test(incoming) ? incoming : nanoid();
    c.set("requestId", requestId);
    await next();
    // Set on the final response in place: a header set before the route answered would make hono
    // rebuild the route's response to merge it.
    if (!c.res.headers.has("X-Request-Id")) c.res.headers.set("X-Request-Id", requestId);
  };
}

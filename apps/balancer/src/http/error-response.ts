import type { Logger } from "@paddler/logger";
import { StateDatabaseError } from "@paddler/state-db";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { BalancerError, InvalidRequestError, StateDatabaseUnavailableError } from "../errors.js";
import { isClientGone } from "./is-client-gone.js";

/** The one place that maps errors to HTTP for the native services. */
export function errorResponse(given: unknown, c: Context, logger: Logger): Response {
  // A write to a shared state database that is away: a 503 the caller can retry, not a 500.
  const error =
    given instanceof StateDatabaseError && given.code === "UNAVAILABLE"
      ? new StateDatabaseUnavailableError({ cause: given })
      : given;
  if (error instanceof InvalidRequestError) {
    const [first] = error.problems;
    return c.json(
      {
        error: {
          code: error.code,
          message: error.message,
          field: first?.field ?? "",
          reason: first?.reason ?? "",
          issues: error.problems,
        },
      },
      400,
    );
  }
  if (error instanceof BalancerError) {
    if (error.status === 401) c.header("WWW-Authenticate", 'Bearer realm="paddler"');
    return c.json(
      { error: { code: error.code, message: error.message } },
      error.status as ContentfulStatusCode,
    );
  }
  if (error instanceof HTTPException) return error.getResponse();
  if (isClientGone(error, c)) {
    // The client hung up (or was cut off for being too slow) mid-body: nobody is left to answer.
    logger.debug("client went away before its request was read", { path: c.req.path });
    return c.json({ error: { code: "client_closed", message: "Client closed the request" } }, 400);
  }
  logger.error("unhandled error", { error, path: c.req.path });
  return c.json({ error: { code: "internal", message: "Internal server error" } }, 500);
}

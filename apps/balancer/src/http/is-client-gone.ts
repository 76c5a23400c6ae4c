import type { Context } from "hono";

/** Whether an error only means the client hung up (or was cut off for being slow) mid-request. */
export function isClientGone(error: unknown, c: Context): boolean {
  return (
    c.req.raw.signal.aborted ||
    (error instanceof Error &&
      "code" in error &&
      (error.code === "ECONNRESET" || error.code === "ERR_STREAM_PREMATURE_CLOSE"))
  );
}

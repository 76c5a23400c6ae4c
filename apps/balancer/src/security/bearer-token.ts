import type { Context } from "hono";

const bearerPattern = /^Bearer[ \t]+(\S+)[ \t]*$/i;

/**
 * The credential a request presents: `Authorization: Bearer <token>`, or for a GET (SSE and
 * WebSocket clients cannot set headers) the RFC 6750 `access_token` query parameter.
 */
export function bearerToken(c: Context): string | null {
  const header = c.req.header("authorization");
  if (header !== undefined) return bearerPattern.exec(header)?.[1] ?? null;
  if (c.req.method === "GET") return c.req.query("access_token") ?? null;
  return null;
}

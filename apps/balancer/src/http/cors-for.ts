import type { MiddlewareHandler } from "hono";
import { cors } from "hono/cors";

/**
 * Paddler's CORS policy: an allow-list of origins per service. The list is read on each request
 * because the panel's own origin is only known once it has bound its port.
 *
 * A request without an `Origin` header (every non-browser client, so nearly all inference) only
 * gets `Vary: Origin`, set in place on the route's response: hono's middleware would set
 * `Access-Control-Expose-Headers` on every response, which builds a response before the route
 * answers, so the route's own is rebuilt to merge it, and once more to append `Vary` (together
 * about a tenth of a short request's CPU in the balancer's profile).
 */
export function corsFor(allowedOrigins: () => readonly string[]): MiddlewareHandler {
  const normalize = (origin: string) => origin.replace(/\/$/, "");
  const browserCors = cors({
    origin: (origin) => (allowedOrigins().some((allowed) => normalize(allowed) === origin) ? origin : null),
    allowMethods: ["DELETE", "GET", "POST", "PUT", "OPTIONS"],
    // Paddler's three headers, plus the request id a browser client may send and read back.
    allowHeaders: ["Accept", "Authorization", "Content-Type", "X-Request-Id"],
    exposeHeaders: ["X-Request-Id"],
    maxAge: 3600,
  });
  return async (c, next) => {
    if (c.req.header("origin") !== undefined || c.req.method === "OPTIONS") return browserCors(c, next);
    await next();
    // What hono's middleware adds for an allow-list, so a cache never serves this answer to a browser.
    try {
      varyOnOrigin(c.res.headers);
    } catch {
      // Immutable headers (a response passed through from fetch): hono copies it to append.
      c.header("Vary", "Origin", { append: true });
    }
  };
}

function varyOnOrigin(headers: Headers): void {
  const vary = headers.get("vary");
  if (vary === null) headers.set("Vary", "Origin");
  else if (!/(^|,)\s*origin\s*(,|$)/i.test(vary)) headers.set("Vary", `${vary}, Origin`);
}

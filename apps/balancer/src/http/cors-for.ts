import { cors } from "hono/cors";

/**
 * Paddler's CORS policy: an allow-list of origins per service. The list is read on each request
 * because the panel's own origin is only known once it has bound its port.
 */
export function corsFor(allowedOrigins: () => readonly string[]) {
  const normalize = (origin: string) => origin.replace(/\/$/, "");
  return cors({
    origin: (origin) => (allowedOrigins().some((allowed) => normalize(allowed) === origin) ? origin : null),
    allowMethods: ["DELETE", "GET", "POST", "PUT", "OPTIONS"],
    // Paddler's three headers, plus the request id a browser client may send and read back.
    allowHeaders: ["Accept", "Authorization", "Content-Type", "X-Request-Id"],
    exposeHeaders: ["X-Request-Id"],
    maxAge: 3600,
  });
}

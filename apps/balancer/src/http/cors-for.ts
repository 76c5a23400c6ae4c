import { cors } from "hono/cors";

/** Paddler's CORS policy: an allow-list of origins per service. */
export function corsFor(allowedOrigins: readonly string[]) {
  const allowed = new Set(allowedOrigins.map((origin) => origin.replace(/\/$/, "")));
  return cors({
    origin: (origin) => (allowed.has(origin) ? origin : null),
    allowMethods: ["DELETE", "GET", "POST", "PUT", "OPTIONS"],
    allowHeaders: ["Accept", "Authorization", "Content-Type"],
    maxAge: 3600,
  });
}

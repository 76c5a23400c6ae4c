import { z } from "zod";

/**
 * W3C trace context (https://www.w3.org/TR/trace-context/) on a request frame: our extension, so a
 * trace that starts at the client continues on the balancer and the agent. Sent only when tracing
 * is on, since agents older than this field refuse a request frame with a field they do not know.
 */
export const traceContextSchema = z.strictObject({
  // version-traceid-parentid-flags; the propagator checks the rest (all-zero ids, version ff).
  traceparent: z
    .string()
    .regex(/^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/, "expected a W3C traceparent"),
  tracestate: z.string().max(512).optional(),
});
export type TraceContext = z.infer<typeof traceContextSchema>;

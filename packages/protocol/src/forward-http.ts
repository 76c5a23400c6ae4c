import { z } from "zod";
import { taggedVariant, unitVariant } from "./tagged.js";

/** The ForwardHttp frame version this package speaks. */
export const FORWARD_HTTP_VERSION = 1;

const headersSchema = z.record(z.string().max(256), z.string().max(16_384));

/**
 * An HTTP request the balancer hands as it came to an agent whose engine is an HTTP server (an
 * OpenAI or Anthropic request on the balancer's compatible API). The agent sends it to its
 * upstream and streams the reply back byte for byte in ForwardedHttp responses.
 */
export const forwardHttpRequestSchema = z.strictObject({
  version: z.number().int().positive(),
  method: z.enum(["GET", "POST"]),
  /** Path and query on the upstream, e.g. `/v1/chat/completions`. */
  path: z.string().startsWith("/").max(4096),
  /** End-to-end headers only (content-type, accept, anthropic-version …); never credentials. */
  headers: headersSchema,
  /** The request body, base64: forwarded byte for byte. */
  body_base64: z.string(),
});
export type ForwardHttpRequest = z.infer<typeof forwardHttpRequestSchema>;

/**
 * The reply to a ForwardHttp request, in order: one Head, any number of Chunks, then End; or
 * Failed (terminal) when the upstream could not be reached or broke off.
 */
export const forwardedHttpEventSchema = z.union([
  taggedVariant(
    "Head",
    z.strictObject({ status: z.number().int().min(100).max(599), headers: headersSchema }),
  ),
  /** Body bytes, base64. */
  taggedVariant("Chunk", z.string()),
  unitVariant("End"),
  taggedVariant("Failed", z.string()),
]);
export type ForwardedHttpEvent = z.infer<typeof forwardedHttpEventSchema>;

export function isTerminalForwardedHttpEvent(event: ForwardedHttpEvent): boolean {
  return event === "End" || (typeof event === "object" && "Failed" in event);
}

import { z } from "zod";
import { chatTemplateSchema } from "./chat-template.js";
import { embeddingResultSchema } from "./embedding-result.js";
import { forwardedHttpEventSchema } from "./forward-http.js";
import { generatedTokenResultSchema } from "./generated-token-result.js";
import { modelMetadataSchema } from "./model-metadata.js";
import { taggedVariant, unitVariant } from "./tagged.js";
import { traceContextSchema } from "./trace-context.js";

export const requestIdSchema = z.string().min(1).max(256);

export const errorDetailsSchema = z.strictObject({ code: z.number().int(), description: z.string() });
export type ErrorDetails = z.infer<typeof errorDetailsSchema>;

export const errorEnvelopeSchema = z.strictObject({ request_id: z.string(), error: errorDetailsSchema });
export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;

/** What a response envelope can carry, from agents to the balancer and from the balancer to clients. */
export const responsePayloadSchema = z.union([
  taggedVariant("GeneratedToken", generatedTokenResultSchema),
  taggedVariant("Embedding", embeddingResultSchema),
  taggedVariant("ChatTemplateOverride", chatTemplateSchema.nullable()),
  taggedVariant("ModelMetadata", modelMetadataSchema.nullable()),
  // The reply to a ForwardHttp request (agent to balancer only); not in Paddler v4.
  taggedVariant("ForwardedHttp", forwardedHttpEventSchema),
  // Unused legacy variants that Paddler still declares.
  unitVariant("Timeout"),
  unitVariant("TooManyBufferedRequests"),
]);
export type ResponsePayload = z.infer<typeof responsePayloadSchema>;

export const responseEnvelopeSchema = z.strictObject({
  generated_by: z.string().nullable(),
  request_id: z.string(),
  response: responsePayloadSchema,
});
export type ResponseEnvelope = z.infer<typeof responseEnvelopeSchema>;

export function requestEnvelopeSchema<Request extends z.ZodType>(request: Request) {
  // trace_context is our extension (trace-context.ts); absent in Paddler v4.
  return z.strictObject({ id: requestIdSchema, request, trace_context: traceContextSchema.optional() });
}

import { z } from "zod";
import { errorEnvelopeSchema, responseEnvelopeSchema } from "./envelopes.js";
import { taggedVariant, unitVariant } from "./tagged.js";

export const tokenGenerationModeNotificationSchema = z.union([
  unitVariant("TokenGenerationDisabled"),
  unitVariant("TokenGenerationEnabled"),
]);
export type TokenGenerationModeNotification = z.infer<typeof tokenGenerationModeNotificationSchema>;

/** One NDJSON line of an inference stream, or one frame the inference socket sends to its client. */
export const inferenceClientMessageSchema = z.union([
  taggedVariant("Response", responseEnvelopeSchema),
  taggedVariant("Error", errorEnvelopeSchema),
  taggedVariant("Notification", tokenGenerationModeNotificationSchema),
]);
export type InferenceClientMessage = z.infer<typeof inferenceClientMessageSchema>;

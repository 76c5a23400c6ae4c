import { z } from "zod";
import { continueFromConversationHistoryParamsSchema } from "./continue-from-conversation-history-params.js";
import { continueFromRawPromptParamsSchema } from "./continue-from-raw-prompt-params.js";
import { requestEnvelopeSchema, requestIdSchema } from "./envelopes.js";
import { taggedVariant } from "./tagged.js";

/** Generation requests a client may send over the inference socket (no embeddings over WS, as in Paddler). */
export const inferenceSocketRequestSchema = z.union([
  taggedVariant("ContinueFromConversationHistory", continueFromConversationHistoryParamsSchema),
  taggedVariant("ContinueFromRawPrompt", continueFromRawPromptParamsSchema),
]);
export type InferenceSocketRequest = z.infer<typeof inferenceSocketRequestSchema>;

/** A frame from an inference socket client. */
export const inferenceSocketClientFrameSchema = z.union([
  taggedVariant("Request", requestEnvelopeSchema(inferenceSocketRequestSchema)),
  taggedVariant("Notification", taggedVariant("StopRespondingTo", requestIdSchema)),
]);
export type InferenceSocketClientFrame = z.infer<typeof inferenceSocketClientFrameSchema>;

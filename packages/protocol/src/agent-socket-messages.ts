import { z } from "zod";
import { agentDesiredStateSchema } from "./agent-desired-state.js";
import { agentSlotsReportSchema } from "./agent-slots-report.js";
import { continueFromConversationHistoryParamsSchema } from "./continue-from-conversation-history-params.js";
import { continueFromRawPromptParamsSchema } from "./continue-from-raw-prompt-params.js";
import {
  errorEnvelopeSchema,
  requestEnvelopeSchema,
  requestIdSchema,
  responseEnvelopeSchema,
} from "./envelopes.js";
import { forwardHttpRequestSchema } from "./forward-http.js";
import { generateEmbeddingBatchParamsSchema } from "./generate-embedding-batch-params.js";
import { slotAggregatedStatusSnapshotSchema } from "./slot-aggregated-status-snapshot.js";
import { taggedVariant, unitVariant } from "./tagged.js";

/** Agent → balancer notifications. */
export const agentNotificationSchema = z.union([
  taggedVariant(
    "RegisterAgent",
    z.strictObject({
      name: z.string().nullable(),
      slot_aggregated_status_snapshot: slotAggregatedStatusSnapshotSchema,
    }),
  ),
  taggedVariant(
    "UpdateAgentStatus",
    z.strictObject({
      slot_aggregated_status_snapshot: slotAggregatedStatusSnapshotSchema,
      // Our extension (see agent-slots-report.ts); absent from Paddler's agents.
      agent_slots: agentSlotsReportSchema.optional(),
    }),
  ),
  unitVariant("DeregisterAgent"),
]);
export type AgentNotification = z.infer<typeof agentNotificationSchema>;

/**
 * Every frame an agent sends to the balancer on `/api/v1/agent_socket/{id}`. Responses first: they
 * are nearly every frame, and zod tries the options in order.
 */
export const agentToBalancerMessageSchema = z.union([
  taggedVariant("Response", responseEnvelopeSchema),
  taggedVariant("Notification", agentNotificationSchema),
  taggedVariant("Error", errorEnvelopeSchema),
]);
export type AgentToBalancerMessage = z.infer<typeof agentToBalancerMessageSchema>;

/** Requests the balancer hands to an agent. */
export const agentRequestSchema = z.union([
  taggedVariant("ContinueFromConversationHistory", continueFromConversationHistoryParamsSchema),
  taggedVariant("ContinueFromRawPrompt", continueFromRawPromptParamsSchema),
  taggedVariant("GenerateEmbeddingBatch", generateEmbeddingBatchParamsSchema),
  unitVariant("GetChatTemplateOverride"),
  unitVariant("GetModelMetadata"),
  // Only to agents whose status offers it (engine.forward_http_version); not in Paddler v4.
  taggedVariant("ForwardHttp", forwardHttpRequestSchema),
]);
export type AgentRequest = z.infer<typeof agentRequestSchema>;

export const balancerNotificationSchema = z.union([
  taggedVariant("Version", z.strictObject({ version: z.string() })),
  taggedVariant("SetState", z.strictObject({ desired_state: agentDesiredStateSchema })),
  taggedVariant("StopRespondingTo", requestIdSchema),
]);
export type BalancerNotification = z.infer<typeof balancerNotificationSchema>;

/** Every frame the balancer sends to an agent; requests first, as they are nearly every frame. */
export const balancerToAgentMessageSchema = z.union([
  taggedVariant("Request", requestEnvelopeSchema(agentRequestSchema)),
  taggedVariant("Notification", balancerNotificationSchema),
]);
export type BalancerToAgentMessage = z.infer<typeof balancerToAgentMessageSchema>;

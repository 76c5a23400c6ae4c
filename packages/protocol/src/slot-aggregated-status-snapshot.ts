import { z } from "zod";
import { agentDeviceStatusSchema } from "./agent-device-status.js";
import { agentEngineInfoSchema } from "./agent-engine-info.js";
import { agentIssueSchema } from "./agent-issue.js";
import { agentStateApplicationStatusSchema } from "./agent-state-application-status.js";

const count = z.number().int().nonnegative();

/** The fields an agent reports about itself, shared by its status snapshot and the balancer's view. */
export const agentStatusFieldsSchema = z.strictObject({
  desired_slots_total: count,
  slots_processing: count,
  slots_total: count,
  model_path: z.string().nullable(),
  download_current: count,
  download_total: count,
  download_filename: z.string().nullable(),
  download_indeterminate: z.boolean(),
  issues: z.array(agentIssueSchema),
  uses_chat_template_override: z.boolean(),
  state_application_status: agentStateApplicationStatusSchema,
  // Beyond Paddler, all optional so Paddler's agents and clients stay compatible:
  /** Settings the agent had to change to load the model (e.g. the KV cache type fallback). */
  warnings: z.array(z.string()).optional(),
  /** Compute device load, refreshed every few seconds. */
  device: agentDeviceStatusSchema.optional(),
  /** Not in Paddler v4; absent for the built-in llama.cpp engine. */
  engine: agentEngineInfoSchema.optional(),
});

/** What the agent sends in RegisterAgent / UpdateAgentStatus; `version` grows on every change. */
export const slotAggregatedStatusSnapshotSchema = agentStatusFieldsSchema.extend({
  version: z.number().int(),
});
export type SlotAggregatedStatusSnapshot = z.infer<typeof slotAggregatedStatusSnapshotSchema>;

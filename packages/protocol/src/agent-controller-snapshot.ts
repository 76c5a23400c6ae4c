import { z } from "zod";
import { agentDrainStatusSchema } from "./agent-slots-report.js";
import { agentStatusFieldsSchema } from "./slot-aggregated-status-snapshot.js";

/** One agent as the management API shows it. */
export const agentControllerSnapshotSchema = agentStatusFieldsSchema.extend({
  id: z.string(),
  name: z.string().nullable(),
  /** The model pool it serves; absent from Paddler, whose agents all serve the one cluster. */
  pool: z.string().optional(),
  // Beyond Paddler, optional: what the balancer itself knows about the agent.
  /** When this agent's current connection registered (Unix ms). */
  connected_at: z.number().optional(),
  /** When the agent last reported its status (Unix ms). */
  last_status_at: z.number().optional(),
  /** An operator drained the agent: it gets no new requests until let back. */
  drained_by_operator: z.boolean().optional(),
  /** The agent drains before a reload (slots still busy, since when, its deadline); null when not. */
  reload_drain: agentDrainStatusSchema.nullable().optional(),
});
export type AgentControllerSnapshot = z.infer<typeof agentControllerSnapshotSchema>;

export const agentsResponseSchema = z.strictObject({ agents: z.array(agentControllerSnapshotSchema) });
export type AgentsResponse = z.infer<typeof agentsResponseSchema>;

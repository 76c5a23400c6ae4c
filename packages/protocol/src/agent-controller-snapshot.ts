import { z } from "zod";
import { agentStatusFieldsSchema } from "./slot-aggregated-status-snapshot.js";

/** One agent as the management API shows it. */
export const agentControllerSnapshotSchema = agentStatusFieldsSchema.extend({
  id: z.string(),
  name: z.string().nullable(),
  /** The model pool it serves; absent from Paddler, whose agents all serve the one cluster. */
  pool: z.string().optional(),
});
export type AgentControllerSnapshot = z.infer<typeof agentControllerSnapshotSchema>;

export const agentsResponseSchema = z.strictObject({ agents: z.array(agentControllerSnapshotSchema) });
export type AgentsResponse = z.infer<typeof agentsResponseSchema>;

import { z } from "zod";
import { requestIdSchema } from "./envelopes.js";

const count = z.number().int().nonnegative();

/** How far a reload's drain has come: the agent takes nothing new and waits for running requests. */
export const agentDrainStatusSchema = z.strictObject({
  /** Slots still running a request. */
  slots_busy: count,
  /** When the drain began, in Unix milliseconds. */
  since_unix_ms: count,
  /** When what still runs is cancelled (each with an in-band error) so the reload can go on. */
  deadline_unix_ms: count,
});
export type AgentDrainStatus = z.infer<typeof agentDrainStatusSchema>;

/**
 * This project's extension of `UpdateAgentStatus` (Paddler's agents leave it out and still work):
 * the agent is the authority on its slots, so it says which requests it runs. The balancer
 * reconciles its leases against this list: a lease the agent does not know of is released after a
 * short grace, and a request the agent runs that the balancer no longer wants is cancelled.
 */
export const agentSlotsReportSchema = z.strictObject({
  /** Ids of the requests running on the agent now (generations and embedding batches). */
  running_request_ids: z.array(requestIdSchema).max(4096),
  /** Set while a reload waits for running requests; null otherwise. */
  drain: agentDrainStatusSchema.nullable(),
  /**
   * How many frames the agent had read from this balancer's socket (since it connected) when it
   * took this report. A request the balancer sent in a later frame has not reached the agent yet,
   * so the report's silence about it proves nothing: an agent whose event loop stalled sends a
   * report it took before it read a request that waits in its socket. Absent: not counted.
   */
  frames_received: count.optional(),
});
export type AgentSlotsReport = z.infer<typeof agentSlotsReportSchema>;

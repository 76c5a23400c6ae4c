import { z } from "zod";
import { balancerDesiredStateSchema } from "./balancer-desired-state.js";
import { poolPolicySchema } from "./fleet-settings.js";
import { modelPoolNameSchema } from "./model-pool.js";

const count = z.number().int().nonnegative();

/** One pool as `GET /api/v1/pools` shows it: its state, its agents' slot totals and its buffer. */
export const modelPoolSummarySchema = z.strictObject({
  name: modelPoolNameSchema,
  /** Null for a pool that agents joined with `--pool` but that has no stored desired state yet. */
  desired_state: balancerDesiredStateSchema.nullable(),
  policy: poolPolicySchema,
  /** Model names routed here by alias (the pool's own name always routes here too). */
  aliases: z.array(z.string()),
  agents: count,
  slots_total: count,
  slots_processing: count,
  buffered_requests: count,
});
export type ModelPoolSummary = z.infer<typeof modelPoolSummarySchema>;

export const modelPoolsResponseSchema = z.strictObject({ pools: z.array(modelPoolSummarySchema) });
export type ModelPoolsResponse = z.infer<typeof modelPoolsResponseSchema>;

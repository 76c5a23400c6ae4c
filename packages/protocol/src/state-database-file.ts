import { z } from "zod";
import { balancerDesiredStateSchema } from "./balancer-desired-state.js";
import { fleetSettingsSchema } from "./fleet-settings.js";
import { modelPoolNameSchema } from "./model-pool.js";

/**
 * The `file://` state database document. `balancer_desired_state` is the default pool, as Paddler
 * writes it; `model_pools` (the other pools) and `fleet_settings` appear only once something beyond
 * Paddler's single pool is stored, so a one-pool file stays in Paddler's format.
 */
export const stateDatabaseFileSchema = z.strictObject({
  balancer_desired_state: balancerDesiredStateSchema,
  model_pools: z.record(modelPoolNameSchema, balancerDesiredStateSchema).optional(),
  fleet_settings: fleetSettingsSchema.optional(),
  version: z.string(),
});
export type StateDatabaseFile = z.infer<typeof stateDatabaseFileSchema>;

export const STATE_DATABASE_FILE_VERSION = "1";

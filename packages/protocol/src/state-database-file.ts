import { z } from "zod";
import { balancerDesiredStateSchema } from "./balancer-desired-state.js";

/** The `file://` state database document, as Paddler writes it. */
export const stateDatabaseFileSchema = z.strictObject({
  balancer_desired_state: balancerDesiredStateSchema,
  version: z.string(),
});
export type StateDatabaseFile = z.infer<typeof stateDatabaseFileSchema>;

export const STATE_DATABASE_FILE_VERSION = "1";

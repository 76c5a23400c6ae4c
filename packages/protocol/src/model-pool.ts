import { z } from "zod";

/**
 * Room for several named model pools in one fleet. Today every agent and request belongs to the
 * default pool, whose desired state is the single `balancer_desired_state` of Paddler v4.
 */
export const DEFAULT_MODEL_POOL = "default";
export const modelPoolNameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, "a pool name is lowercase letters, digits, '.', '_' or '-'");
export type ModelPoolName = z.infer<typeof modelPoolNameSchema>;

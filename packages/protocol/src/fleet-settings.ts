import { z } from "zod";
import { modelPoolNameSchema } from "./model-pool.js";

/**
 * How a pool picks an agent for each request: `least_busy` is Paddler's rule; `sticky` keeps a
 * session on the agent that served it; `prefix_affinity` prefers the agent that most recently
 * served the longest prefix of the prompt.
 */
export const poolPolicySchema = z.enum(["least_busy", "sticky", "prefix_affinity"]);
export type PoolPolicy = z.infer<typeof poolPolicySchema>;

/** A pool without an explicit policy (the default pool of a Paddler state file) balances like Paddler. */
export const IMPLICIT_POOL_POLICY: PoolPolicy = "least_busy";

/** What a pool created through `PUT /api/v1/pools/{pool}/desired_state` gets when the caller sets none. */
export const NEW_POOL_POLICY: PoolPolicy = "prefix_affinity";

/** Model names are free text in OpenAI requests; this only keeps them sane to store and show. */
export const modelNameSchema = z.string().min(1, "a model name is not empty").max(256);

function regexProblem(pattern: string): string | null {
  try {
    new RegExp(`^(?:${pattern})$`, "u");
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** One routing rule: a regular expression matched against the whole model name. */
export const routingRuleSchema = z.strictObject({
  pattern: z
    .string()
    .min(1, "a pattern is not empty")
    .max(1024)
    .superRefine((pattern, context) => {
      const problem = regexProblem(pattern);
      if (problem !== null)
        context.addIssue({ code: "custom", message: `not a valid regular expression: ${problem}` });
    }),
  pool: modelPoolNameSchema,
});
export type RoutingRule = z.infer<typeof routingRuleSchema>;

/**
 * A pool's own buffer limits; each one left out is the balancer's flag (`--max-buffered-requests`,
 * `--buffered-request-timeout`). Every pool has its own buffer either way: these only change its size
 * and patience, e.g. a longer wait for a pool that scales from zero.
 */
export const poolLimitsSchema = z.strictObject({
  /** Requests that may wait for a slot in this pool; past it they get 503 at once. 0: no buffering. */
  max_buffered_requests: z.number().int().min(0).max(1_000_000).optional(),
  /** How long a request waits in this pool's buffer before it gets 504, in ms. */
  buffered_request_timeout_ms: z
    .number()
    .int()
    .min(1)
    .max(24 * 60 * 60 * 1000)
    .optional(),
});
export type PoolLimits = z.infer<typeof poolLimitsSchema>;

/**
 * The fleet-wide part of the stored state that is not a pool's desired state: how model names map
 * to pools, each pool's balancing policy, and which agents an operator moved to another pool.
 */
export const fleetSettingsSchema = z.strictObject({
  /** Extra model names for a pool, e.g. `{"gpt-4o-mini": "chat"}`. */
  aliases: z.record(modelNameSchema, modelPoolNameSchema).default({}),
  /** Tried in order after exact names and aliases; the first whole-name match wins. */
  rules: z.array(routingRuleSchema).max(1000).default([]),
  /** Where a model name that matched nothing goes; null answers 404 model_not_found. */
  fallback_pool: modelPoolNameSchema.nullable().default(null),
  /** A pool missing here uses `IMPLICIT_POOL_POLICY`. */
  pool_policies: z.record(modelPoolNameSchema, poolPolicySchema).default({}),
  /** Agent name → pool: overrides the pool an agent asked for with `--pool`. */
  agent_pools: z.record(z.string().min(1).max(256), modelPoolNameSchema).default({}),
  /** Pool → buffer limits that differ from the balancer's flags. */
  pool_limits: z.record(modelPoolNameSchema, poolLimitsSchema).default({}),
});
export type FleetSettings = z.infer<typeof fleetSettingsSchema>;

export const defaultFleetSettings: FleetSettings = Object.freeze({
  aliases: {},
  rules: [],
  fallback_pool: null,
  pool_policies: {},
  agent_pools: {},
  pool_limits: {},
});

/** True when the settings say nothing beyond Paddler's single pool, so files keep Paddler's format. */
export function isDefaultFleetSettings(settings: FleetSettings): boolean {
  return (
    Object.keys(settings.aliases).length === 0 &&
    settings.rules.length === 0 &&
    settings.fallback_pool === null &&
    Object.keys(settings.pool_policies).length === 0 &&
    Object.keys(settings.agent_pools).length === 0 &&
    Object.keys(settings.pool_limits).length === 0
  );
}

import { z } from "zod";

/** Outcomes a request can end with, as the balancer counts them (beyond Paddler). */
export const requestOutcomes = [
  "completed",
  "cancelled",
  "agent_error",
  "agent_disconnected",
  "item_timeout",
  "buffer_overflow",
  "buffer_timeout",
  "shutting_down",
  "invalid_request",
  "error",
] as const;
export const requestOutcomeSchema = z.enum(requestOutcomes);
export type RequestOutcomeName = z.infer<typeof requestOutcomeSchema>;

const rate = z.number().nonnegative();
const percentiles = z
  .strictObject({ p50: z.number().nonnegative(), p95: z.number().nonnegative() })
  .nullable();

/** One time bucket of fleet metrics (beyond Paddler); rates are per second over the bucket. */
export const metricsPointSchema = z.strictObject({
  /** Start of the bucket, Unix ms. */
  t: z.number(),
  generated_tokens_per_second: rate,
  prompt_tokens_per_second: rate,
  /** Requests that ended in the bucket, per second, by outcome (outcomes with none are left out). */
  requests_per_second: z.partialRecord(requestOutcomeSchema, rate),
  /** Time to first token, in ms; null when no request got one in the bucket. */
  time_to_first_token_ms: percentiles,
  /** Time between two tokens of a request, in ms. */
  inter_token_ms: percentiles,
  /** At the end of the bucket. */
  buffered_requests: z.number().int().nonnegative(),
  slots_in_use: z.number().int().nonnegative(),
  slots_total: z.number().int().nonnegative(),
});
export type MetricsPoint = z.infer<typeof metricsPointSchema>;

/** `GET /api/v1/metrics_history`: oldest point first, for the fleet, each pool and each agent. */
export const metricsHistorySchema = z.strictObject({
  bucket_ms: z.number().int().positive(),
  /** How far back the balancer keeps points. */
  retention_ms: z.number().int().positive(),
  fleet: z.array(metricsPointSchema),
  pools: z.record(z.string(), z.array(metricsPointSchema)),
  /** Keyed by the agent's name, or its id when it has none (as the Prometheus `agent` label). */
  agents: z.record(z.string(), z.array(metricsPointSchema)),
});
export type MetricsHistory = z.infer<typeof metricsHistorySchema>;

/** One SSE event of `/api/v1/metrics_history/stream` after the first (which is the whole history). */
export const metricsHistoryUpdateSchema = z.strictObject({
  fleet: metricsPointSchema,
  pools: z.record(z.string(), metricsPointSchema),
  agents: z.record(z.string(), metricsPointSchema),
});
export type MetricsHistoryUpdate = z.infer<typeof metricsHistoryUpdateSchema>;

/** A request that ended, for the activity view. */
export const recentRequestSchema = z.strictObject({
  id: z.string(),
  /** The agent's name (or id); null when it never reached one. */
  agent: z.string().nullable(),
  pool: z.string().nullable(),
  outcome: requestOutcomeSchema,
  prompt_tokens: z.number().int().nonnegative().nullable(),
  generated_tokens: z.number().int().nonnegative().nullable(),
  time_to_first_token_ms: z.number().nonnegative().nullable(),
  duration_ms: z.number().nonnegative(),
  /** Unix ms. */
  finished_at: z.number(),
  trace_id: z.string().nullable(),
});
export type RecentRequest = z.infer<typeof recentRequestSchema>;

export const recentRequestsSchema = z.strictObject({ requests: z.array(recentRequestSchema) });
export type RecentRequests = z.infer<typeof recentRequestsSchema>;

export const agentTimelineEventKinds = [
  "joined",
  "left",
  "loading",
  "applied",
  "retrying",
  "stuck",
  "issue",
  "issue_cleared",
  "warning",
  "drained",
  "undrained",
] as const;

/** Something that happened to an agent, for its timeline. */
export const agentTimelineEventSchema = z.strictObject({
  at: z.number(),
  agent_id: z.string(),
  agent_name: z.string().nullable(),
  kind: z.enum(agentTimelineEventKinds),
  detail: z.string().nullable(),
});
export type AgentTimelineEvent = z.infer<typeof agentTimelineEventSchema>;

export const agentTimelineSchema = z.strictObject({ events: z.array(agentTimelineEventSchema) });
export type AgentTimeline = z.infer<typeof agentTimelineSchema>;

import {
  type AgentTimeline,
  agentTimelineSchema,
  type MetricsHistory,
  type MetricsHistoryUpdate,
  metricsHistorySchema,
  metricsHistoryUpdateSchema,
  type RecentRequests,
  recentRequestsSchema,
} from "@paddler/protocol";
import { z } from "zod";
import type { RequestOptions } from "../http/request-options.js";
import { readText } from "../http/transport.js";
import { type SseSubscriptionOptions, subscribeSse } from "../streams/sse-subscription.js";
import { parseJsonText, parseResponse } from "../validate.js";
import type { PoolsClientDeps } from "./pools-client.js";

/** One event of the metrics history stream: the whole history first, then each closed bucket. */
export type MetricsHistoryEvent = { history: MetricsHistory } | { update: MetricsHistoryUpdate };

const metricsHistoryEventSchema = z.union([
  z.strictObject({ history: metricsHistorySchema }),
  z.strictObject({ update: metricsHistoryUpdateSchema }),
]);

/** The balancer's own fleet history and operator actions (this project's addition to Paddler's API). */
export interface FleetHistoryClient {
  /** The last hour of fleet, pool and agent metrics; `since` (Unix ms) for less. */
  metricsHistory(options?: RequestOptions & { since?: number }): Promise<MetricsHistory>;
  /** The history, then each bucket as it closes (SSE), reconnecting after drops. */
  metricsHistoryStream(options?: SseSubscriptionOptions): AsyncIterable<MetricsHistoryEvent>;
  /** Requests that ended, newest first. */
  recentRequests(options?: RequestOptions & { limit?: number }): Promise<RecentRequests>;
  recentRequestsStream(options?: SseSubscriptionOptions & { limit?: number }): AsyncIterable<RecentRequests>;
  /** Joins, leaves, reloads, issues and drains, oldest first; of one agent when `agentId` is given. */
  agentTimeline(options?: RequestOptions & { agentId?: string }): Promise<AgentTimeline>;
  /** No new requests go to the agent (running ones finish) until `undrainAgent`. 404 for an unknown agent. */
  drainAgent(agentId: string, options?: RequestOptions): Promise<void>;
  undrainAgent(agentId: string, options?: RequestOptions): Promise<void>;
}

export function createFleetHistoryClient({
  transport,
  urlFor,
}: Pick<PoolsClientDeps, "transport" | "urlFor">): FleetHistoryClient {
  const query = (values: Record<string, string | number | undefined>) => {
    const entries = Object.entries(values).filter(
      (entry): entry is [string, string | number] => entry[1] !== undefined,
    );
    return entries.length === 0
      ? ""
      : `?${new URLSearchParams(entries.map(([key, value]) => [key, String(value)]))}`;
  };
  // urlFor escapes a `?` in the path, so the query goes on after it.
  const getJson = async <Schema extends z.ZodType>(
    path: string,
    search: string,
    schema: Schema,
    { signal, headers }: RequestOptions = {},
  ): Promise<z.infer<Schema>> => {
    const url = `${urlFor(path)}${search}`;
    const response = await transport.send(url, { accept: "application/json", signal, headers });
    return parseResponse(schema, parseJsonText(await readText(response, url, signal), url), url);
  };
  const stream = <Schema extends z.ZodType>(
    path: string,
    search: string,
    schema: Schema,
    options: SseSubscriptionOptions = {},
  ): AsyncIterable<z.infer<Schema>> => ({
    [Symbol.asyncIterator]: () => subscribeSse(transport, `${urlFor(path)}${search}`, schema, options),
  });
  const drain = async (
    agentId: string,
    method: "PUT" | "DELETE",
    { signal, headers }: RequestOptions = {},
  ) => {
    const url = urlFor(`/api/v1/agent/${encodeURIComponent(agentId)}/drain`);
    await readText(await transport.send(url, { method, signal, headers }), url, signal);
  };
  return {
    metricsHistory: ({ since, ...options } = {}) =>
      getJson("/api/v1/metrics_history", query({ since }), metricsHistorySchema, options),
    metricsHistoryStream: (options) =>
      stream("/api/v1/metrics_history/stream", "", metricsHistoryEventSchema, options),
    recentRequests: ({ limit, ...options } = {}) =>
      getJson("/api/v1/recent_requests", query({ limit }), recentRequestsSchema, options),
    recentRequestsStream: ({ limit, ...options } = {}) =>
      stream("/api/v1/recent_requests/stream", query({ limit }), recentRequestsSchema, options),
    agentTimeline: ({ agentId, ...options } = {}) =>
      getJson("/api/v1/agent_timeline", query({ agent: agentId }), agentTimelineSchema, options),
    drainAgent: (agentId, options) => drain(agentId, "PUT", options),
    undrainAgent: (agentId, options) => drain(agentId, "DELETE", options),
  };
}

import {
  type AgentDesiredState,
  type AgentsResponse,
  agentDesiredStateSchema,
  agentsResponseSchema,
  type BalancerDesiredState,
  type BufferedRequestsResponse,
  balancerDesiredStateSchema,
  bufferedRequestsResponseSchema,
  type FleetSettings,
  fleetSettingsSchema,
  type ModelPoolName,
  type ModelPoolsResponse,
  modelPoolsResponseSchema,
  type PoolPolicy,
  poolPolicySchema,
} from "@paddler/protocol";
import { z } from "zod";
import type { RequestOptions } from "../http/request-options.js";
import { readText, type Transport } from "../http/transport.js";
import type { SseSubscriptionOptions } from "../streams/sse-subscription.js";
import { parseRequest } from "../validate.js";

/**
 * Model pools (this project's addition to Paddler's API): each pool is a named desired state with
 * its own agents; `default` is Paddler's `balancer_desired_state`. Unknown pools are 404s.
 */
export interface PoolsClient {
  /** Every pool with its state, policy, aliases, agents' slot totals and buffer. */
  list(options?: RequestOptions): Promise<ModelPoolsResponse>;
  /** Live `{pools}` snapshots (SSE), reconnecting after drops; ends when the signal fires. */
  stream(options?: SseSubscriptionOptions): AsyncIterable<ModelPoolsResponse>;
  getDesiredState(pool: ModelPoolName, options?: RequestOptions): Promise<BalancerDesiredState>;
  /** Stores a pool's desired state, creating the pool if needed; says whether it did. */
  putDesiredState(
    pool: ModelPoolName,
    state: BalancerDesiredState,
    options?: RequestOptions,
  ): Promise<{ created: boolean }>;
  /** Deletes a pool; the balancer refuses (409) while agents serve it or routing names it. */
  delete(pool: ModelPoolName, options?: RequestOptions): Promise<void>;
  getApplicableState(pool: ModelPoolName, options?: RequestOptions): Promise<AgentDesiredState>;
  agents(pool: ModelPoolName, options?: RequestOptions): Promise<AgentsResponse>;
  bufferedRequests(pool: ModelPoolName, options?: RequestOptions): Promise<BufferedRequestsResponse>;
  getPolicy(pool: ModelPoolName, options?: RequestOptions): Promise<PoolPolicy>;
  putPolicy(pool: ModelPoolName, policy: PoolPolicy, options?: RequestOptions): Promise<void>;
  /** Aliases, routing rules, fallback pool, pool policies and agent moves. */
  getFleetSettings(options?: RequestOptions): Promise<FleetSettings>;
  /** Replaces the fleet settings; a bad regex or a rule naming no pool is a 400 naming the field. */
  putFleetSettings(settings: FleetSettings, options?: RequestOptions): Promise<void>;
}

export interface PoolsClientDeps {
  transport: Transport;
  urlFor(path: string): string;
  getJson<Schema extends z.ZodType>(
    path: string,
    schema: Schema,
    options?: RequestOptions,
  ): Promise<z.infer<Schema>>;
  stream<Schema extends z.ZodType>(
    path: string,
    schema: Schema,
    options?: SseSubscriptionOptions,
  ): AsyncIterable<z.infer<Schema>>;
}

const policyResponseSchema = z.object({ policy: poolPolicySchema });

export function createPoolsClient({ transport, urlFor, getJson, stream }: PoolsClientDeps): PoolsClient {
  const poolPath = (pool: ModelPoolName, leaf = "") =>
    `/api/v1/pools/${encodeURIComponent(pool)}${leaf === "" ? "" : `/${leaf}`}`;

  async function send(
    path: string,
    method: "PUT" | "DELETE",
    json: unknown,
    { signal, headers }: RequestOptions = {},
  ): Promise<Response> {
    const url = urlFor(path);
    const response = await transport.send(url, { method, json, signal, headers });
    await readText(response, url, signal);
    return response;
  }

  return {
    list: (options) => getJson("/api/v1/pools", modelPoolsResponseSchema, options),
    stream: (options) => stream("/api/v1/pools/stream", modelPoolsResponseSchema, options),
    getDesiredState: (pool, options) =>
      getJson(poolPath(pool, "desired_state"), balancerDesiredStateSchema, options),
    async putDesiredState(pool, state, options) {
      const path = poolPath(pool, "desired_state");
      const json = parseRequest(balancerDesiredStateSchema, state, urlFor(path));
      const response = await send(path, "PUT", json, options);
      return { created: response.status === 201 };
    },
    async delete(pool, options) {
      await send(poolPath(pool), "DELETE", undefined, options);
    },
    getApplicableState: (pool, options) =>
      getJson(poolPath(pool, "applicable_state"), agentDesiredStateSchema, options),
    agents: (pool, options) => getJson(poolPath(pool, "agents"), agentsResponseSchema, options),
    bufferedRequests: (pool, options) =>
      getJson(poolPath(pool, "buffered_requests"), bufferedRequestsResponseSchema, options),
    getPolicy: async (pool, options) =>
      (await getJson(poolPath(pool, "policy"), policyResponseSchema, options)).policy,
    async putPolicy(pool, policy, options) {
      const path = poolPath(pool, "policy");
      await send(path, "PUT", { policy: parseRequest(poolPolicySchema, policy, urlFor(path)) }, options);
    },
    getFleetSettings: (options) => getJson("/api/v1/fleet_settings", fleetSettingsSchema, options),
    async putFleetSettings(settings, options) {
      const path = "/api/v1/fleet_settings";
      await send(path, "PUT", parseRequest(fleetSettingsSchema, settings, urlFor(path)), options);
    },
  };
}

import {
  type AgentDesiredState,
  type AgentsResponse,
  agentDesiredStateSchema,
  agentsResponseSchema,
  type BalancerDesiredState,
  type BufferedRequestsResponse,
  balancerDesiredStateSchema,
  bufferedRequestsResponseSchema,
  type ChatTemplate,
  chatTemplateSchema,
  type ModelMetadata,
  modelMetadataSchema,
} from "@paddler/protocol";
import type { z } from "zod";
import type { BackoffOptions } from "../backoff.js";
import { PaddlerError } from "../errors.js";
import { joinUrl } from "../http/join-url.js";
import type { RequestOptions } from "../http/request-options.js";
import { readText, type Transport } from "../http/transport.js";
import { type SseSubscriptionOptions, subscribeSse } from "../streams/sse-subscription.js";
import { parseJsonText, parseRequest, parseResponse } from "../validate.js";
import { createFleetHistoryClient, type FleetHistoryClient } from "./fleet-history-client.js";
import { createPoolsClient, type PoolsClient } from "./pools-client.js";

/** The management service: cluster state, desired state, live streams and metrics. */
export interface ManagementClient {
  /** `GET /health`; resolves to its body (`"OK"`). */
  health(options?: RequestOptions): Promise<string>;
  agents(options?: RequestOptions): Promise<AgentsResponse>;
  /** Live `{agents}` snapshots (SSE), reconnecting after drops; ends when the signal fires. */
  agentsStream(options?: SseSubscriptionOptions): AsyncIterable<AgentsResponse>;
  getBalancerDesiredState(options?: RequestOptions): Promise<BalancerDesiredState>;
  /** Stores the desired state (validated before sending); resolves when the balancer answers 204. */
  putBalancerDesiredState(state: BalancerDesiredState, options?: RequestOptions): Promise<void>;
  /** What agents are told to apply, or `null` before the balancer has computed it. */
  getBalancerApplicableState(options?: RequestOptions): Promise<AgentDesiredState | null>;
  bufferedRequests(options?: RequestOptions): Promise<BufferedRequestsResponse>;
  /** Live buffered-request counts (SSE), reconnecting after drops; ends when the signal fires. */
  bufferedRequestsStream(options?: SseSubscriptionOptions): AsyncIterable<BufferedRequestsResponse>;
  /** The agent's GGUF metadata, or `null` while it has no model. 404 for an unknown agent. */
  modelMetadata(agentId: string, options?: RequestOptions): Promise<ModelMetadata | null>;
  /** The chat template override the agent uses, or `null`. 404 for an unknown agent. */
  chatTemplateOverride(agentId: string, options?: RequestOptions): Promise<ChatTemplate | null>;
  /** `GET /metrics`: Prometheus text exposition. */
  metrics(options?: RequestOptions): Promise<string>;
  /** Model pools, their desired states and policies, and the fleet's model-name routing. */
  pools: PoolsClient;
  /** Fleet metrics history, recent requests, agent timelines, and draining an agent. */
  fleet: FleetHistoryClient;
}

export function createManagementClient(
  baseUrl: string | undefined,
  transport: Transport,
  reconnect: BackoffOptions | undefined,
): ManagementClient {
  const urlFor = (path: string) => {
    if (baseUrl === undefined) {
      throw new PaddlerError({
        code: "configuration_error",
        message: "createPaddlerClient needs `managementUrl` for management calls",
      });
    }
    return joinUrl(baseUrl, path);
  };

  async function getText(path: string, { signal, headers }: RequestOptions = {}): Promise<string> {
    const url = urlFor(path);
    return readText(await transport.send(url, { signal, headers }), url, signal);
  }

  async function getJson<Schema extends z.ZodType>(
    path: string,
    schema: Schema,
    { signal, headers }: RequestOptions = {},
  ): Promise<z.infer<Schema>> {
    const url = urlFor(path);
    const response = await transport.send(url, { accept: "application/json", signal, headers });
    return parseResponse(schema, parseJsonText(await readText(response, url, signal), url), url);
  }

  function stream<Schema extends z.ZodType>(
    path: string,
    schema: Schema,
    options: SseSubscriptionOptions = {},
  ): AsyncIterable<z.infer<Schema>> {
    return {
      [Symbol.asyncIterator]: () => subscribeSse(transport, urlFor(path), schema, { reconnect, ...options }),
    };
  }

  const agentPath = (agentId: string, leaf: string) => `/api/v1/agent/${encodeURIComponent(agentId)}/${leaf}`;

  return {
    health: (options) => getText("/health", options),
    agents: (options) => getJson("/api/v1/agents", agentsResponseSchema, options),
    agentsStream: (options) => stream("/api/v1/agents/stream", agentsResponseSchema, options),
    getBalancerDesiredState: (options) =>
      getJson("/api/v1/balancer_desired_state", balancerDesiredStateSchema, options),
    async putBalancerDesiredState(state, { signal, headers } = {}) {
      const url = urlFor("/api/v1/balancer_desired_state");
      const json = parseRequest(balancerDesiredStateSchema, state, url);
      const response = await transport.send(url, { method: "PUT", json, signal, headers });
      await readText(response, url, signal);
    },
    getBalancerApplicableState: (options) =>
      getJson("/api/v1/balancer_applicable_state", agentDesiredStateSchema.nullable(), options),
    bufferedRequests: (options) =>
      getJson("/api/v1/buffered_requests", bufferedRequestsResponseSchema, options),
    bufferedRequestsStream: (options) =>
      stream("/api/v1/buffered_requests/stream", bufferedRequestsResponseSchema, options),
    modelMetadata: (agentId, options) =>
      getJson(agentPath(agentId, "model_metadata"), modelMetadataSchema.nullable(), options),
    chatTemplateOverride: (agentId, options) =>
      getJson(agentPath(agentId, "chat_template_override"), chatTemplateSchema.nullable(), options),
    metrics: (options) => getText("/metrics", options),
    pools: createPoolsClient({ transport, urlFor, getJson, stream }),
    fleet: createFleetHistoryClient({ transport, urlFor }),
  };
}

// The wire types callers pass and receive, so apps need no second package.
export type {
  AgentControllerSnapshot,
  AgentDesiredState,
  AgentsResponse,
  AgentTimeline,
  AgentTimelineEvent,
  BalancerDesiredState,
  BufferedRequestsResponse,
  ChatTemplate,
  ContinueFromConversationHistoryParams,
  ContinueFromRawPromptParams,
  ConversationMessage,
  Embedding,
  EmbeddingResult,
  ErrorEnvelope,
  FleetSettings,
  GeneratedTokenResult,
  GenerateEmbeddingBatchParams,
  InferenceClientMessage,
  MetricsHistory,
  MetricsHistoryUpdate,
  MetricsPoint,
  ModelMetadata,
  ModelPoolName,
  ModelPoolSummary,
  ModelPoolsResponse,
  PoolLimits,
  PoolPolicy,
  RecentRequest,
  RecentRequests,
  ResponseEnvelope,
  RoutingRule,
  TokenGenerationModeNotification,
} from "@paddler/protocol";
export type { BackoffOptions } from "./backoff.js";
export { collectEmbeddings } from "./collect-embeddings.js";
export { type CollectTextOptions, collectText } from "./collect-text.js";
export {
  createPaddlerClient,
  type PaddlerClient,
  type PaddlerClientOptions,
} from "./create-paddler-client.js";
export { isPaddlerError, PaddlerError, type PaddlerErrorCode, type PaddlerErrorOptions } from "./errors.js";
export type { RequestOptions } from "./http/request-options.js";
export type { FetchFunction } from "./http/transport.js";
export type { HttpInference } from "./inference/http-inference.js";
export type { InferenceSocket, InferenceSocketRequestOptions } from "./inference/socket/inference-socket.js";
export type { WebSocketConstructor, WebSocketLike } from "./inference/socket/web-socket-like.js";
export type { FleetHistoryClient, MetricsHistoryEvent } from "./management/fleet-history-client.js";
export type { ManagementClient } from "./management/management-client.js";
export type { PoolsClient } from "./management/pools-client.js";
export type { InferenceStream } from "./streams/inference-stream.js";
export type { SseSubscriptionOptions } from "./streams/sse-subscription.js";

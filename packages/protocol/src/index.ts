export {
  type AgentControllerSnapshot,
  type AgentsResponse,
  agentControllerSnapshotSchema,
  agentsResponseSchema,
} from "./agent-controller-snapshot.js";
export {
  type AgentDesiredModel,
  agentDesiredModelSchema,
  type HuggingFaceModelReference,
  huggingFaceModelReferenceSchema,
  urlModelReferenceSchema,
} from "./agent-desired-model.js";
export {
  type AgentDesiredState,
  agentDesiredStateSchema,
  toAgentDesiredState,
} from "./agent-desired-state.js";
export {
  type AgentDevice,
  type AgentDeviceStatus,
  agentDeviceSchema,
  agentDeviceStatusSchema,
} from "./agent-device-status.js";
export {
  type AgentEngineInfo,
  type AgentEngineKind,
  agentEngineInfoSchema,
  agentEngineKindSchema,
} from "./agent-engine-info.js";
export {
  type AgentIssue,
  agentIssueModelPathSchema,
  agentIssueSchema,
  agentIssueTag,
  type ModelPathIssueTag,
  modelPathIssue,
  modelPathIssueTags,
} from "./agent-issue.js";
export { AGENT_SLOTS_FULL_CODE, agentSlotsFullError, isAgentSlotsFullError } from "./agent-slots-full.js";
export {
  type AgentDrainStatus,
  type AgentSlotsReport,
  agentDrainStatusSchema,
  agentSlotsReportSchema,
} from "./agent-slots-report.js";
export {
  type AgentNotification,
  type AgentRequest,
  type AgentToBalancerMessage,
  agentNotificationSchema,
  agentRequestSchema,
  agentToBalancerMessageSchema,
  type BalancerNotification,
  type BalancerToAgentMessage,
  balancerNotificationSchema,
  balancerToAgentMessageSchema,
} from "./agent-socket-messages.js";
export {
  type AgentStateApplicationStatus,
  agentStateApplicationStatusSchema,
} from "./agent-state-application-status.js";
export {
  type BalancerDesiredState,
  balancerDesiredStateSchema,
  defaultBalancerDesiredState,
} from "./balancer-desired-state.js";
export { type BufferedRequestsResponse, bufferedRequestsResponseSchema } from "./buffered-requests.js";
export { type ChatTemplate, chatTemplateSchema } from "./chat-template.js";
export {
  type ContinueFromConversationHistoryParams,
  continueFromConversationHistoryParamsSchema,
} from "./continue-from-conversation-history-params.js";
export {
  type ContinueFromRawPromptParams,
  continueFromRawPromptParamsSchema,
} from "./continue-from-raw-prompt-params.js";
export {
  type ConversationMessage,
  type ConversationMessageContentPart,
  conversationMessageContentPartSchema,
  conversationMessageSchema,
  imageUrlContentPartSchema,
  textContentPartSchema,
} from "./conversation-message.js";
export {
  type EmbeddingNormalizationMethod,
  embeddingNormalizationMethodSchema,
} from "./embedding-normalization-method.js";
export {
  type Embedding,
  type EmbeddingResult,
  embeddingResultSchema,
  embeddingSchema,
  isTerminalEmbeddingResult,
} from "./embedding-result.js";
export {
  type ErrorDetails,
  type ErrorEnvelope,
  errorDetailsSchema,
  errorEnvelopeSchema,
  type ResponseEnvelope,
  type ResponsePayload,
  requestEnvelopeSchema,
  requestIdSchema,
  responseEnvelopeSchema,
  responsePayloadSchema,
} from "./envelopes.js";
export {
  defaultFleetSettings,
  type FleetSettings,
  fleetSettingsSchema,
  IMPLICIT_POOL_POLICY,
  isDefaultFleetSettings,
  modelNameSchema,
  NEW_POOL_POLICY,
  type PoolLimits,
  type PoolPolicy,
  poolLimitsSchema,
  poolPolicySchema,
  type RoutingRule,
  routingRuleSchema,
} from "./fleet-settings.js";
export { describeZodError, type FieldProblem, formatZodError } from "./format-zod-error.js";
export {
  FORWARD_HTTP_VERSION,
  type ForwardedHttpEvent,
  type ForwardHttpRequest,
  forwardedHttpEventSchema,
  forwardHttpRequestSchema,
  isTerminalForwardedHttpEvent,
} from "./forward-http.js";
export { FRAME_BATCHING_HEADER } from "./frame-batching.js";
export { exceedsGbnfLimits, gbnfLimits } from "./gbnf-limits.js";
export {
  type EmbeddingInputDocument,
  embeddingInputDocumentSchema,
  type GenerateEmbeddingBatchParams,
  generateEmbeddingBatchParamsSchema,
} from "./generate-embedding-batch-params.js";
export {
  finishReasonSchema,
  type GeneratedTokenResult,
  type GenerationErrorTag,
  type GenerationFinished,
  type GenerationFinishReason,
  generatedTokenResultSchema,
  generatedTokenResultTag,
  generatedTokenSchema,
  generationErrorTags,
  generationExtensionResultSchema,
  generationFinishedSchema,
  isTerminalGeneratedTokenResult,
  type ParsedToolCall,
  parsedToolCallSchema,
  type TokenLogprobs,
  type TokenProbability,
  terminalGeneratedTokenResultSchema,
  tokenLogprobsSchema,
  tokenProbabilitySchema,
  toolCallArgumentsSchema,
  toolCallEventSchema,
} from "./generated-token-result.js";
export { generationExtensionsShape } from "./generation-extensions.js";
export { type GrammarConstraint, grammarConstraintSchema } from "./grammar-constraint.js";
export {
  type InferenceClientMessage,
  inferenceClientMessageSchema,
  type TokenGenerationModeNotification,
  tokenGenerationModeNotificationSchema,
} from "./inference-client-message.js";
export {
  defaultInferenceParameters,
  type InferenceParameters,
  inferenceParametersSchema,
} from "./inference-parameters.js";
export {
  type InferenceSocketClientFrame,
  type InferenceSocketRequest,
  inferenceSocketClientFrameSchema,
  inferenceSocketRequestSchema,
} from "./inference-socket-request.js";
export {
  defaultJsonLimits,
  exceedsJsonLimits,
  type JsonLimits,
  type ParsedJson,
  parseJsonWithLimits,
} from "./json-limits.js";
export {
  exceedsJsonSchemaLimits,
  exceedsJsonSchemaTextLimits,
  jsonSchemaLimits,
} from "./json-schema-limits.js";
export { type KvCacheDtype, kvCacheDtypeSchema } from "./kv-cache-dtype.js";
export {
  type AgentTimeline,
  type AgentTimelineEvent,
  agentTimelineEventKinds,
  agentTimelineEventSchema,
  agentTimelineSchema,
  type MetricsHistory,
  type MetricsHistoryUpdate,
  type MetricsPoint,
  metricsHistorySchema,
  metricsHistoryUpdateSchema,
  metricsPointSchema,
  type RecentRequest,
  type RecentRequests,
  type RequestOutcomeName,
  recentRequestSchema,
  recentRequestsSchema,
  requestOutcomeSchema,
  requestOutcomes,
} from "./metrics-history.js";
export { type ModelMetadata, modelMetadataSchema } from "./model-metadata.js";
export { DEFAULT_MODEL_POOL, type ModelPoolName, modelPoolNameSchema } from "./model-pool.js";
export {
  type ModelPoolSummary,
  type ModelPoolsResponse,
  modelPoolSummarySchema,
  modelPoolsResponseSchema,
} from "./model-pool-summary.js";
export { agentDesiredModelFromUri, agentDesiredModelToUri, ModelUriError } from "./model-uri.js";
export { type PoolingType, poolingTypeSchema } from "./pooling-type.js";
export {
  maxProbabilities,
  maxStopStrings,
  type SamplingOverrides,
  samplingOverridesSchema,
} from "./sampling-overrides.js";
export {
  agentStatusFieldsSchema,
  type SlotAggregatedStatusSnapshot,
  slotAggregatedStatusSnapshotSchema,
} from "./slot-aggregated-status-snapshot.js";
export {
  STATE_DATABASE_FILE_VERSION,
  type StateDatabaseFile,
  stateDatabaseFileSchema,
} from "./state-database-file.js";
export { taggedVariant, unitVariant } from "./tagged.js";
export { emptyTokenUsage, type TokenUsage, tokenUsageSchema } from "./token-usage.js";
export { type Tool, toolSchema } from "./tool.js";
export { type TraceContext, traceContextSchema } from "./trace-context.js";
export { PADDLER_PROTOCOL_VERSION } from "./version.js";

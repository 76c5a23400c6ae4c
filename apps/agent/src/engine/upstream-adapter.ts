import type {
  AgentDesiredState,
  AgentEngineKind,
  ContinueFromConversationHistoryParams,
  ContinueFromRawPromptParams,
  EmbeddingResult,
  GeneratedTokenResult,
  GenerateEmbeddingBatchParams,
} from "@paddler/protocol";
import type { ForwardTarget } from "./forward-http-to-upstream.js";

/** What one look at an upstream server found. */
export interface UpstreamProbe {
  /** Requests the upstream can run at once now; 0 while it is down or still loading. */
  slots: number;
  /** Model ids it lists on `/v1/models`. */
  servedModels: string[];
  /** The model file it serves (llama-server) or its model id; null when unknown. */
  modelPath: string | null;
  metadata: Record<string, string>;
  /** Why it cannot serve now; null when it can. */
  problem: string | null;
}

export interface UpstreamRequestContext {
  /** The slot this request holds (llama-server's `id_slot`). */
  slot: number;
  /** The cluster's desired state, for its default sampling; null before the balancer sent one. */
  desiredState: AgentDesiredState | null;
  /** `traceparent`/`tracestate` continuing the agent's span, for every request sent upstream; empty when tracing is off. */
  traceHeaders: Record<string, string>;
}

/** How an UpstreamEngine talks to one kind of HTTP server. */
export interface UpstreamAdapter {
  readonly kind: AgentEngineKind;
  readonly target: ForwardTarget;
  probe(signal: AbortSignal): Promise<UpstreamProbe>;
  continueFromRawPrompt(
    params: ContinueFromRawPromptParams,
    context: UpstreamRequestContext,
    signal: AbortSignal,
  ): AsyncIterable<GeneratedTokenResult>;
  continueFromConversationHistory(
    params: ContinueFromConversationHistoryParams,
    context: UpstreamRequestContext,
    signal: AbortSignal,
  ): AsyncIterable<GeneratedTokenResult>;
  generateEmbeddingBatch(
    params: GenerateEmbeddingBatchParams,
    context: UpstreamRequestContext,
    signal: AbortSignal,
  ): AsyncIterable<EmbeddingResult>;
}

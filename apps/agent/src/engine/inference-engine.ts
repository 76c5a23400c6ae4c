import type {
  AgentDesiredState,
  ChatTemplate,
  ContinueFromConversationHistoryParams,
  ContinueFromRawPromptParams,
  EmbeddingResult,
  GeneratedTokenResult,
  GenerateEmbeddingBatchParams,
  TraceContext,
} from "@paddler/protocol";

/** What the agent knows about a request beyond its parameters; an engine uses what it can. */
export interface EngineRequestOptions {
  /**
   * The W3C trace context of the agent's span for this request: HTTP engines send it upstream as
   * `traceparent`/`tracestate` so the upstream's spans join the trace. Absent: tracing is off.
   */
  traceContext?: TraceContext | undefined;
}

/**
 * What the agent needs from an inference engine. The llama.cpp engine (node-llama-cpp) is one;
 * an external llama.cpp server or a synthetic engine for benchmarks can take its place.
 *
 * Every stream ends with exactly one terminal result (Done or an error variant) unless the
 * signal aborts it, in which case it ends quietly and the slot is free again at once.
 */
export interface InferenceEngine extends AsyncDisposable {
  /** Slots that are ready to take a request. */
  readonly slotsTotal: number;
  /** Slots running a request right now. */
  readonly slotsProcessing: number;
  continueFromConversationHistory(
    params: ContinueFromConversationHistoryParams,
    signal: AbortSignal,
    options?: EngineRequestOptions,
  ): AsyncIterable<GeneratedTokenResult>;
  continueFromRawPrompt(
    params: ContinueFromRawPromptParams,
    signal: AbortSignal,
    options?: EngineRequestOptions,
  ): AsyncIterable<GeneratedTokenResult>;
  generateEmbeddingBatch(
    params: GenerateEmbeddingBatchParams,
    signal: AbortSignal,
    options?: EngineRequestOptions,
  ): AsyncIterable<EmbeddingResult>;
  /** GGUF metadata, every value as a string (Paddler's ModelMetadata). */
  getModelMetadata(): Record<string, string>;
  getChatTemplateOverride(): ChatTemplate | null;
  /** Settings the engine had to change to load the model (shown to the operator). */
  readonly warnings?: readonly string[];
  /**
   * Applies a desired state that differs only in settings that need no reload (sampling, the chat
   * template). Engines that cannot leave it out, and the agent reloads instead.
   */
  updateRuntimeState?(state: AgentDesiredState): void;
  /**
   * Whether going from `current` to `next` needs a reload, for engines whose split differs from the
   * built-in one (a managed llama-server restarts for a new chat template, which is on its command
   * line). Without it the agent reloads for anything but sampling and the chat template.
   */
  needsReload?(current: AgentDesiredState, next: AgentDesiredState): boolean;
}

export interface EngineLoadOptions {
  /** Absolute path of a GGUF file on this machine. */
  modelPath: string;
  /** Absolute path of the multimodal projection, if any. */
  multimodalProjectionPath: string | null;
  desiredState: AgentDesiredState;
  slots: number;
  threads: number;
  /** Called whenever a slot becomes ready, so the agent can report slots_total growing. */
  onSlotsChanged?: () => void;
}

/** Loads a model into a fresh engine. Errors are typed (see engine-errors.ts) so the agent can report AgentIssues. */
export interface InferenceEngineFactory {
  load(options: EngineLoadOptions): Promise<InferenceEngine>;
}

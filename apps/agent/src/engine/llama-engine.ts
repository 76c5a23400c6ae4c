import type {
  AgentDesiredState,
  ChatTemplate,
  EmbeddingResult,
  GeneratedTokenResult,
  GrammarConstraint,
  PoolingType,
  SamplingOverrides,
  Tool,
} from "@paddler/protocol";
import type {
  Llama,
  LlamaContext,
  LlamaContextSequence,
  LlamaEmbeddingContext,
  LlamaModel,
  Token,
} from "node-llama-cpp";
import type { CompiledChatTemplate } from "./chat-template.js";
import { generateEmbeddings } from "./generate-embeddings.js";
import { generateTokens } from "./generate-tokens.js";
import type { InferenceEngine } from "./inference-engine.js";
import { prepareConversationPrompt } from "./prepare-conversation-prompt.js";
import { type RequestGrammar, resolveGrammar } from "./resolve-grammar.js";
import { resolveSampling } from "./resolve-sampling.js";
import { createSlotPool } from "./slot-pool.js";
import { firstUnknownToken } from "./vocabulary-size.js";

export type LlamaEngineMode =
  | { kind: "generation"; context: LlamaContext; sequences: readonly LlamaContextSequence[] }
  | { kind: "embeddings"; embeddingContext: LlamaEmbeddingContext; poolingType: PoolingType; slots: number };

export interface LlamaEngineParts {
  llama: Llama;
  model: LlamaModel;
  mode: LlamaEngineMode;
  desiredState: AgentDesiredState;
  metadata: Record<string, string>;
  chatTemplate: CompiledChatTemplate | null;
  /** Compiles the template a new desired state asks for; throws ChatTemplateDoesNotCompileError. */
  compileChatTemplateFor: (state: AgentDesiredState) => CompiledChatTemplate | null;
  warnings: readonly string[];
}

export interface LlamaInferenceEngine extends InferenceEngine {
  /** Settings the engine could not honour as asked (e.g. a KV cache type it replaced). */
  readonly warnings: readonly string[];
}

interface GenerationRequest {
  prompt: string;
  /** Token ids given instead of a prompt (ContinueFromRawPrompt's `prompt_tokens`). */
  promptTokens?: readonly number[] | undefined;
  opensThinking: boolean;
  enableThinking: boolean;
  maxTokens: number;
  grammar: GrammarConstraint | null | undefined;
  sampling: SamplingOverrides | undefined;
  toolCalls: { parse: boolean; tools: readonly Tool[] };
  reportFinish: boolean;
  logprobs: boolean;
}

const tokenGenerationDisabled: GeneratedTokenResult = {
  TokenGenerationDisabled: "Token generation is disabled while the cluster is configured for embeddings",
};

interface AdmissionGate {
  waiting: number;
  opened: Promise<void>;
  open(): void;
}

function openAdmissionGate(): AdmissionGate {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { waiting: 0, opened, open };
}

/** A loaded model with its context: every slot is one sequence of that one context. */
export function createLlamaEngine(parts: LlamaEngineParts): LlamaInferenceEngine {
  const { llama, model, mode, metadata, warnings } = parts;
  // Sampling and the chat template change without a reload (see updateRuntimeState).
  let desiredState = parts.desiredState;
  let parameters = desiredState.inference_parameters;
  let chatTemplate = parts.chatTemplate;
  const disposal = new AbortController();
  /** Closed while a request waits for the context lock to drop old tokens from its sequence. */
  let admission: AdmissionGate | null = null;
  const sequencePool = createSlotPool(mode.kind === "generation" ? mode.sequences : []);
  const embeddingPool = createSlotPool(
    mode.kind === "embeddings" ? Array.from({ length: mode.slots }, (_, index) => index) : [],
  );

  function tokenizePrompt(prompt: string): Token[] {
    const tokens = model.tokenize(prompt, true);
    const bos = model.tokens.bos;
    // Templates usually write bos_token themselves; add it only when the prompt lacks it.
    if (model.tokens.shouldPrependBosToken && bos !== null && tokens[0] !== bos) tokens.unshift(bos);
    return tokens;
  }

  async function* runGeneration(
    request: GenerationRequest,
    requestSignal: AbortSignal,
  ): AsyncGenerator<GeneratedTokenResult> {
    if (mode.kind !== "generation") {
      yield tokenGenerationDisabled;
      return;
    }
    const signal = AbortSignal.any([requestSignal, disposal.signal]);
    if (signal.aborted) return;
    let grammar: RequestGrammar | null = null;
    if (request.grammar) {
      const resolved = await resolveGrammar({ llama, model, constraint: request.grammar });
      if ("error" in resolved) {
        yield resolved.error;
        return;
      }
      grammar = resolved.grammar;
    }
    if (request.promptTokens) {
      const unknown = firstUnknownToken(model, request.promptTokens);
      if (unknown !== null) {
        yield {
          SamplerError: `Prompt token ${request.promptTokens[unknown]} at index ${unknown} is not in the model's vocabulary`,
        };
        return;
      }
    }
    const promptTokens = request.promptTokens
      ? (request.promptTokens as Token[])
      : tokenizePrompt(request.prompt);
    const contextSize = mode.context.contextSize;
    if (promptTokens.length >= contextSize - 1) {
      yield {
        SamplerError: `Prompt of ${promptTokens.length} tokens does not fit this slot's context of ${contextSize} tokens`,
      };
      return;
    }
    if (signal.aborted) return;
    const sequence = sequencePool.acquire(
      (candidate) => candidate.compareContextTokens(promptTokens).firstDifferentIndex,
    );
    if (sequence === null) {
      yield { SamplerError: "There are no available sequence slots on this agent" };
      return;
    }
    try {
      // At least the last prompt token is evaluated again: its logits give the first new token.
      const cachedTokens = Math.min(
        sequence.compareContextTokens(promptTokens).firstDifferentIndex,
        promptTokens.length - 1,
      );
      if (sequence.nextTokenIndex > cachedTokens) {
        // The erase needs node-llama-cpp's context lock, which its batch loop keeps for as long as
        // any sequence queues another decode: without the gate this request would wait for every
        // other slot to finish. Running generations hold their next decode until it is done.
        admission ??= openAdmissionGate();
        const gate = admission;
        gate.waiting++;
        try {
          await sequence.eraseContextTokenRanges([{ start: cachedTokens, end: sequence.nextTokenIndex }]);
        } finally {
          if (--gate.waiting === 0) {
            admission = null;
            gate.open();
          }
        }
      }
      yield* generateTokens({
        model,
        sequence,
        promptTokens,
        cachedTokens,
        maxTokens: request.maxTokens,
        sampling: resolveSampling(parameters, request.sampling, contextSize),
        grammar,
        enableThinking: request.enableThinking,
        promptOpensThinking: request.opensThinking,
        toolCalls: request.toolCalls,
        reportFinish: request.reportFinish,
        logprobs: request.logprobs,
        signal,
        admissionGate: () => admission?.opened ?? null,
      });
    } finally {
      sequencePool.release(sequence);
    }
  }

  async function* runEmbeddings(
    params: Parameters<InferenceEngine["generateEmbeddingBatch"]>[0],
    requestSignal: AbortSignal,
  ): AsyncGenerator<EmbeddingResult> {
    if (mode.kind !== "embeddings" || !parameters.enable_embeddings) {
      yield "EmbeddingsDisabled";
      return;
    }
    const signal = AbortSignal.any([requestSignal, disposal.signal]);
    for (const document of params.input_batch) {
      const unknown = document.tokens ? firstUnknownToken(model, document.tokens) : null;
      if (unknown !== null) {
        yield {
          Error: `Document ${document.id}: token at index ${unknown} is not in the model's vocabulary`,
        };
        return;
      }
    }
    const slot = embeddingPool.acquire();
    if (slot === null) {
      yield { Error: "There are no available slots on this agent" };
      return;
    }
    try {
      yield* generateEmbeddings({
        embeddingContext: mode.embeddingContext,
        params,
        nBatch: parameters.n_batch,
        poolingType: mode.poolingType,
        signal,
      });
    } finally {
      embeddingPool.release(slot);
    }
  }

  return {
    warnings,
    get slotsTotal() {
      return mode.kind === "generation" ? sequencePool.total : embeddingPool.total;
    },
    get slotsProcessing() {
      return sequencePool.processing + embeddingPool.processing;
    },
    continueFromRawPrompt(params, signal) {
      return runGeneration(
        {
          prompt: params.raw_prompt,
          promptTokens: params.prompt_tokens,
          opensThinking: false,
          enableThinking: false,
          maxTokens: params.max_tokens,
          grammar: params.grammar,
          sampling: params.sampling,
          toolCalls: { parse: false, tools: [] },
          reportFinish: params.report_finish ?? false,
          logprobs: params.logprobs ?? false,
        },
        signal,
      );
    },
    async *continueFromConversationHistory(params, signal) {
      if (mode.kind !== "generation") {
        yield tokenGenerationDisabled;
        return;
      }
      const prepared = prepareConversationPrompt(params, chatTemplate);
      if ("error" in prepared) {
        yield prepared.error;
        return;
      }
      yield* runGeneration(
        {
          prompt: prepared.prompt,
          opensThinking: prepared.opensThinking,
          enableThinking: params.enable_thinking,
          maxTokens: params.max_tokens,
          grammar: params.grammar,
          sampling: params.sampling,
          toolCalls: { parse: params.parse_tool_calls ?? false, tools: params.tools ?? [] },
          reportFinish: params.report_finish ?? false,
          logprobs: params.logprobs ?? false,
        },
        signal,
      );
    },
    generateEmbeddingBatch(params, signal) {
      return runEmbeddings(params, signal);
    },
    getModelMetadata() {
      return { ...metadata };
    },
    updateRuntimeState(state: AgentDesiredState): void {
      const compiled = parts.compileChatTemplateFor(state);
      desiredState = state;
      parameters = state.inference_parameters;
      chatTemplate = compiled;
    },
    getChatTemplateOverride(): ChatTemplate | null {
      return desiredState.chat_template_override;
    },
    async [Symbol.asyncDispose]() {
      disposal.abort();
      if (mode.kind === "generation") await mode.context.dispose();
      else await mode.embeddingContext.dispose();
      await model.dispose();
    },
  };
}

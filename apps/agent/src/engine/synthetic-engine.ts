import { setTimeout as sleep } from "node:timers/promises";
import {
  type EmbeddingResult,
  emptyTokenUsage,
  type GeneratedTokenResult,
  type TokenUsage,
} from "@paddler/protocol";
import type { EngineLoadOptions, InferenceEngine, InferenceEngineFactory } from "./inference-engine.js";
import { createSlotPool } from "./slot-pool.js";

export interface SyntheticEngineFactoryOptions {
  /** Rate at which each slot emits ContentTokens, independent of the other slots. */
  tokensPerSecond: number;
  /** Texts emitted in turn; a request stops at max_tokens, or after all of them when max_tokens < 0. */
  tokens?: readonly string[];
}

const defaultTokens = ["Once", " upon", " a", " time", ","];

/**
 * An engine without a model, for benchmarks and balancer tests only: every slot streams
 * ContentTokens at a fixed rate, so throughput and fairness measured through the balancer are the
 * balancer's own. It honours slots, max_tokens and abort; it has no chat template, grammar or
 * embeddings (embedding requests end with EmbeddingsDisabled).
 */
export function createSyntheticEngineFactory({
  tokensPerSecond,
  tokens = defaultTokens,
}: SyntheticEngineFactoryOptions): InferenceEngineFactory {
  if (!(tokensPerSecond > 0)) throw new RangeError("tokensPerSecond must be positive");
  if (tokens.length === 0) throw new RangeError("tokens must not be empty");
  const intervalMs = 1000 / tokensPerSecond;

  return {
    async load({ slots, desiredState, onSlotsChanged }: EngineLoadOptions): Promise<InferenceEngine> {
      const pool = createSlotPool(Array.from({ length: slots }, (_, index) => index));
      for (let index = 0; index < slots; index++) onSlotsChanged?.();

      async function* generate(
        promptLength: number,
        maxTokens: number,
        signal: AbortSignal,
      ): AsyncGenerator<GeneratedTokenResult> {
        const slot = pool.acquire();
        if (slot === null) {
          yield { SamplerError: "There are no available sequence slots on this agent" };
          return;
        }
        try {
          const limit = maxTokens < 0 ? tokens.length : maxTokens;
          const usage: TokenUsage = {
            ...emptyTokenUsage(),
            prompt_tokens: promptLength,
            cached_prompt_tokens: 0,
          };
          const started = performance.now();
          for (let index = 0; index < limit; index++) {
            // Sleep to the token's due time, so timer drift does not pile up over long streams.
            const due = started + (index + 1) * intervalMs - performance.now();
            await sleep(Math.max(0, due), undefined, { signal }).catch(() => undefined);
            if (signal.aborted) return;
            usage.content_tokens++;
            yield { ContentToken: tokens[index % tokens.length] ?? "" };
          }
          yield { Done: { usage } };
        } finally {
          pool.release(slot);
        }
      }

      return {
        get slotsTotal() {
          return pool.total;
        },
        get slotsProcessing() {
          return pool.processing;
        },
        continueFromRawPrompt: (params, signal) =>
          generate(params.raw_prompt.length, params.max_tokens, signal),
        continueFromConversationHistory: (params, signal) =>
          generate(params.conversation_history.length, params.max_tokens, signal),
        async *generateEmbeddingBatch(): AsyncGenerator<EmbeddingResult> {
          yield "EmbeddingsDisabled";
        },
        getModelMetadata: () => ({ "general.architecture": "synthetic" }),
        getChatTemplateOverride: () => desiredState.chat_template_override,
        async [Symbol.asyncDispose]() {},
      };
    },
  };
}

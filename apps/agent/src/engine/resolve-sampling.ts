import type { InferenceParameters, SamplingOverrides } from "@paddler/protocol";
import type { LlamaContextSequenceRepeatPenalty, Token } from "node-llama-cpp";

export interface ResolvedSampling {
  temperature: number;
  topK: number;
  topP: number;
  minP: number;
  seed: number;
  stop: readonly string[];
  /** End-of-generation tokens are banned (llama.cpp's ignore_eos). */
  ignoreEos: boolean;
  /** Top candidates reported with each token's logprob. */
  nProbs: number;
  /** Builds the repeat penalty from the tokens so far; undefined when every penalty is neutral. */
  repeatPenalty(history: () => readonly Token[]): LlamaContextSequenceRepeatPenalty | undefined;
}

/**
 * The cluster's inference parameters with this request's overrides on top. The seed is random
 * unless given, as in llama.cpp's dist sampler; temperature 0 is greedy and needs no seed.
 */
export function resolveSampling(
  parameters: InferenceParameters,
  overrides: SamplingOverrides | undefined,
  contextSize: number,
): ResolvedSampling {
  const penaltyRepeat = overrides?.penalty_repeat ?? parameters.penalty_repeat;
  const penaltyPresence = overrides?.penalty_presence ?? parameters.penalty_presence;
  const penaltyFrequency = overrides?.penalty_frequency ?? parameters.penalty_frequency;
  // llama.cpp: -1 means the whole context, 0 turns penalties off.
  const lastN = parameters.penalty_last_n === -1 ? contextSize : parameters.penalty_last_n;
  const penaltiesOff = lastN <= 0 || (penaltyRepeat === 1 && penaltyPresence === 0 && penaltyFrequency === 0);

  return {
    temperature: overrides?.temperature ?? parameters.temperature,
    topK: overrides?.top_k ?? parameters.top_k,
    topP: overrides?.top_p ?? parameters.top_p,
    minP: overrides?.min_p ?? parameters.min_p,
    seed: overrides?.seed ?? Math.floor(Math.random() * 2 ** 31),
    stop: overrides?.stop ?? [],
    // typical_p is accepted on the wire but node-llama-cpp has no typical sampler.
    ignoreEos: overrides?.ignore_eos ?? false,
    nProbs: overrides?.n_probs ?? 0,
    repeatPenalty: (history) =>
      penaltiesOff
        ? undefined
        : {
            punishTokens: () => history().slice(-lastN),
            maxPunishTokens: lastN,
            penalty: penaltyRepeat,
            presencePenalty: penaltyPresence,
            frequencyPenalty: penaltyFrequency,
          },
  };
}

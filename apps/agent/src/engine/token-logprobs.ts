import type { TokenLogprobs, TokenProbability } from "@paddler/protocol";
import type { LlamaModel, Token } from "node-llama-cpp";

/** OpenAI's stand-in for a probability of zero: JSON cannot carry -Infinity. */
const never = -9999;

function entry(
  model: LlamaModel,
  token: Token,
  probability: number,
  context: readonly Token[],
): TokenProbability {
  // Detokenized after what came before, as llama-server's token pieces are: alone, a SentencePiece
  // word token loses its leading space ("▁there" would read "there", not " there").
  const text = model.detokenize([token], true, context);
  return {
    token: text,
    logprob: probability > 0 ? Math.max(never, Math.log(probability)) : never,
    bytes: [...Buffer.from(text, "utf8")],
  };
}

/**
 * The `Logprobs` result for one sampled token. node-llama-cpp reports probabilities after its
 * sampler chain (top-k, top-p, min-p, temperature), as llama-server's `post_sampling_probs` does.
 */
export function tokenLogprobs(options: {
  model: LlamaModel;
  token: Token;
  confidence: number | undefined;
  probabilities: ReadonlyMap<Token, number> | undefined;
  top: number;
  /** The tokens just before this one (a few are enough for the detokenizer). */
  context: readonly Token[];
}): TokenLogprobs {
  const { model, token, probabilities, top, context } = options;
  const probability = options.confidence ?? probabilities?.get(token) ?? 0;
  const topLogprobs: TokenProbability[] = [];
  if (probabilities && top > 0) {
    for (const [candidate, candidateProbability] of probabilities) {
      if (topLogprobs.length >= top) break;
      topLogprobs.push(entry(model, candidate, candidateProbability, context));
    }
  }
  return { ...entry(model, token, probability, context), top_logprobs: topLogprobs };
}

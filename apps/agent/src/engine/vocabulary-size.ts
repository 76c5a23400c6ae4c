import type { LlamaModel } from "node-llama-cpp";

/** How many tokens the model's vocabulary holds, from its GGUF metadata; null when it says nothing. */
export function vocabularySize(model: LlamaModel): number | null {
  const tokenizer = (model.fileInfo.metadata as { tokenizer?: { ggml?: { tokens?: unknown } } }).tokenizer;
  const tokens = tokenizer?.ggml?.tokens;
  return Array.isArray(tokens) ? tokens.length : null;
}

/** The first token id the model does not know, or null when all are valid. */
export function firstUnknownToken(model: LlamaModel, tokens: readonly number[]): number | null {
  const size = vocabularySize(model);
  if (size === null) return null;
  const unknown = tokens.findIndex((token) => token >= size);
  return unknown === -1 ? null : unknown;
}

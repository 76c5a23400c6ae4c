import {
  emptyTokenUsage,
  type GeneratedTokenResult,
  type GenerationFinished,
  type TokenUsage,
  type Tool,
} from "@paddler/protocol";
import { type LlamaContextSequence, type LlamaModel, type Token, TokenBias } from "node-llama-cpp";
import { describeCause } from "./engine-errors.js";
import { looksLikeJsonToolCall, parseToolCalls } from "./parse-tool-calls.js";
import type { RequestGrammar } from "./resolve-grammar.js";
import type { ResolvedSampling } from "./resolve-sampling.js";
import { createTextStopDetector } from "./text-stop-detector.js";
import { createTokenClassifier, type TokenKind } from "./token-classifier.js";
import { tokenLogprobs } from "./token-logprobs.js";

export interface GenerateTokensOptions {
  model: LlamaModel;
  sequence: LlamaContextSequence;
  promptTokens: readonly Token[];
  /** How many leading prompt tokens the sequence already holds (prefix reuse). */
  cachedTokens: number;
  /** A negative value means no limit but the context. */
  maxTokens: number;
  sampling: ResolvedSampling;
  grammar: RequestGrammar | null;
  enableThinking: boolean;
  /** The rendered prompt ends inside an open `<think>` block. */
  promptOpensThinking: boolean;
  toolCalls: { parse: boolean; tools: readonly Tool[] };
  /** Send `Finished` before `Done`, and end at the context's end instead of failing (an extension). */
  reportFinish: boolean;
  /** Send a `Logprobs` result for every sampled token (an extension). */
  logprobs: boolean;
  signal: AbortSignal;
  /**
   * While another request waits for the context lock (to be admitted to its slot), a promise to
   * wait on before asking for the next token: with no decode queued the batch loop lets it in.
   */
  admissionGate?: () => Promise<void> | null;
}

/** Raised from node-llama-cpp's context-shift hook: Paddler ends the request instead of shifting. */
class ContextExhaustedError extends Error {
  override readonly name = "ContextExhaustedError";
}

/** Tokens detokenized together at most while waiting for a multi-byte character to complete. */
const maxPendingTokens = 4;
const lastTokensForDetokenizer = 8;

/**
 * Runs one request on a claimed sequence: evaluates the uncached prompt tail, then samples until
 * EOG, max_tokens, a stop string, context exhaustion or abort. Other sequences of the same context
 * run at the same time; node-llama-cpp batches their decode calls together.
 */
export async function* generateTokens(options: GenerateTokensOptions): AsyncGenerator<GeneratedTokenResult> {
  const { model, sequence, promptTokens, cachedTokens, maxTokens, sampling, grammar, signal } = options;
  const usage: TokenUsage = {
    ...emptyTokenUsage(),
    prompt_tokens: promptTokens.length,
    cached_prompt_tokens: cachedTokens,
  };
  if (maxTokens === 0) {
    yield { Done: { usage } };
    return;
  }

  const history: Token[] = [...promptTokens];
  const stopDetector = createTextStopDetector([...sampling.stop, ...(grammar?.stopStrings ?? [])]);
  const classifier = createTokenClassifier({
    reasoning: options.enableThinking,
    toolCalls: options.toolCalls.parse,
    startInReasoning: options.promptOpensThinking,
  });
  const toolCallTexts: string[] = [];
  let currentToolCall = "";
  let contentText = "";
  const evaluateOptions = {
    temperature: sampling.temperature,
    topK: sampling.topK,
    topP: sampling.topP,
    minP: sampling.minP,
    seed: sampling.seed,
    repeatPenalty: sampling.repeatPenalty(() => history),
    grammarEvaluationState: grammar?.evaluationState,
    contextShift: {
      strategy: (): never => {
        throw new ContextExhaustedError();
      },
    },
    ...(sampling.ignoreEos ? { tokenBias: endOfGenerationBan(model) } : {}),
  };
  const wantsProbabilities = options.logprobs || sampling.nProbs > 0;
  const iterator = wantsProbabilities
    ? sequence.evaluateWithMetadata(
        promptTokens.slice(cachedTokens),
        { confidence: true, probabilities: sampling.nProbs > 0 },
        evaluateOptions,
      )
    : tokensOnly(sequence.evaluate(promptTokens.slice(cachedTokens), evaluateOptions));

  function* emitText(text: string): Generator<GeneratedTokenResult> {
    for (const segment of classifier.push(text)) yield* emitSegment(segment.kind, segment.text);
    closeToolCallIfLeft();
  }
  function* emitSegment(kind: TokenKind, text: string): Generator<GeneratedTokenResult> {
    if (kind === "reasoning") yield { ReasoningToken: text };
    else if (kind === "tool_call") {
      currentToolCall += text;
      yield { ToolCallToken: text };
    } else {
      contentText += text;
      yield { ContentToken: text };
    }
  }
  function closeToolCallIfLeft() {
    if (classifier.mode !== "tool_call" && currentToolCall !== "") {
      toolCallTexts.push(currentToolCall);
      currentToolCall = "";
    }
  }
  function count(kind: TokenKind) {
    if (kind === "reasoning") usage.reasoning_tokens++;
    else if (kind === "tool_call") usage.tool_call_tokens++;
    else usage.content_tokens++;
  }

  let generated = 0;
  let stopped = false;
  let finished: GenerationFinished = { reason: "eog" };
  let pending: Token[] = [];
  let lastTokens: Token[] = promptTokens.slice(-lastTokensForDetokenizer);
  try {
    for (;;) {
      if (maxTokens >= 0 && generated >= maxTokens) {
        finished = { reason: "max_tokens" };
        break;
      }
      const gate = options.admissionGate?.();
      if (gate) await gate;
      const step = await iterator.next();
      if (signal.aborted) return;
      if (step.done) break;
      generated++;
      const { token } = step.value;
      history.push(token);
      pending.push(token);
      if (wantsProbabilities) {
        const { confidence, probabilities } = step.value as {
          confidence?: number;
          probabilities?: Map<Token, number>;
        };
        yield {
          Logprobs: tokenLogprobs({
            model,
            token,
            confidence,
            probabilities,
            top: sampling.nProbs,
            context: [...lastTokens, ...pending.slice(0, -1)].slice(-lastTokensForDetokenizer),
          }),
        };
      }
      const text = model.detokenize(pending, false, lastTokens);
      const modeBefore = classifier.mode;
      if (text.endsWith("\uFFFD") && pending.length < maxPendingTokens) {
        count(modeBefore);
        continue;
      }
      lastTokens = [...lastTokens, ...pending].slice(-lastTokensForDetokenizer);
      pending = [];
      const stop = stopDetector.push(text);
      yield* emitText(stop.text);
      const modeAfter = classifier.mode;
      // A tag token belongs to the block it opens or closes.
      count(modeBefore === "content" ? modeAfter : modeBefore);
      stopped = stop.stopped;
      if (stopped) {
        finished = stopReason(stop.matched, sampling.stop);
        break;
      }
    }
  } catch (cause) {
    // The evaluation must end before the erase: clearing a sequence whose evaluate() is still open
    // waits on node-llama-cpp's context lock forever (then the context can never be disposed).
    await iterator.return();
    await sequence.clearHistory().catch(() => undefined);
    if (signal.aborted) return;
    if (!(options.reportFinish && cause instanceof ContextExhaustedError)) {
      yield terminalErrorFor(cause, { grammar: grammar !== null, sequence, history: history.length });
      return;
    }
    finished = { reason: "context_end" };
  } finally {
    await iterator.return();
  }

  if (!stopped && pending.length > 0) {
    const stop = stopDetector.push(model.detokenize(pending, false, lastTokens));
    yield* emitText(stop.text);
    stopped = stop.stopped;
    if (stopped) finished = stopReason(stop.matched, sampling.stop);
  }
  if (!stopped) yield* emitText(stopDetector.flush().text);
  for (const segment of classifier.flush()) yield* emitSegment(segment.kind, segment.text);
  if (currentToolCall !== "") toolCallTexts.push(currentToolCall);

  if (options.toolCalls.parse) {
    const texts =
      toolCallTexts.length > 0 ? toolCallTexts : looksLikeJsonToolCall(contentText) ? [contentText] : [];
    const parsed = parseToolCalls(texts, options.toolCalls.tools);
    if (parsed !== null) yield parsed;
  }
  if (options.reportFinish) yield { Finished: finished };
  yield { Done: { usage } };
}

/** A stop string the client asked for is a stop sequence; a grammar's own end marker is not. */
function stopReason(matched: string | undefined, requested: readonly string[]): GenerationFinished {
  return matched !== undefined && requested.includes(matched)
    ? { reason: "stop_sequence", stop_sequence: matched }
    : { reason: "eog" };
}

/** Bans the model's end-of-generation tokens (llama.cpp's `ignore_eos`). */
function endOfGenerationBan(model: LlamaModel): TokenBias {
  const bias = new TokenBias(model.tokenizer);
  for (const token of [model.tokens.eos, model.tokens.eot]) if (token !== null) bias.set(token, "never");
  return bias;
}

/** `evaluate` yields bare tokens; this gives them the shape `evaluateWithMetadata` yields. */
async function* tokensOnly(tokens: AsyncIterable<Token>) {
  // for-await returns the inner generator when this one is returned.
  for await (const token of tokens) yield { token };
}

function terminalErrorFor(
  cause: unknown,
  context: { grammar: boolean; sequence: LlamaContextSequence; history: number },
): GeneratedTokenResult {
  if (cause instanceof ContextExhaustedError) {
    return {
      SamplerError: `Context exhausted: this slot holds at most ${context.sequence.contextSize} tokens and the prompt plus generated tokens reached ${context.history}; lower max_tokens, shorten the prompt or raise context_size`,
    };
  }
  if (context.grammar && describeCause(cause).includes("Failed to sample")) {
    return { GrammarRejectedModelOutput: "The grammar allows no token the model can produce next" };
  }
  return { SamplerError: describeCause(cause) };
}

import type { GenerationFinished, ParsedToolCall, TokenLogprobs, TokenUsage } from "@paddler/protocol";
import type { DispatchEvent } from "../dispatch/dispatcher.js";
import type { OpenAIError } from "./openai-error.js";
import { fromErrorDetails, fromGenerationError } from "./to-openai-error.js";

/** What the OpenAI routes care about in a generation, whichever API shape they answer in. */
export type GenerationEvent =
  | { type: "content"; text: string }
  | { type: "reasoning"; text: string }
  | { type: "tool_calls"; calls: ParsedToolCall[] }
  | { type: "logprobs"; entry: TokenLogprobs }
  /** `finished` is the agent's own reason, when the request asked for it (report_finish). */
  | { type: "done"; usage: TokenUsage; finished: GenerationFinished | null }
  | { type: "error"; error: OpenAIError };

/** Maps one request's dispatch events to generation events, one call per event (see toGenerationEvents). */
export interface GenerationEventMapper {
  /** Emits what one dispatch event means; true once the generation ended (its last event emitted). */
  push(event: DispatchEvent, emit: (event: GenerationEvent) => void): boolean;
  /** The dispatch ended without a terminal event: emits the error that says so. */
  end(emit: (event: GenerationEvent) => void): void;
}

/**
 * Turns dispatch events into generation events. Raw tool-call tokens are held back: when the agent
 * parses them they become `tool_calls`; when it cannot, their text is given back as content at
 * the end rather than silently lost. With `holdBareJson` (tools offered), an answer that starts
 * like JSON is held back too: the agent may parse it as a bare tool call, and then it is no content.
 * Push-based, so the streaming routes can call it from the agent socket's callback.
 */
export function generationEventMapper({
  holdBareJson = false,
}: {
  holdBareJson?: boolean;
} = {}): GenerationEventMapper {
  let unparsedToolCallText = "";
  let finished: GenerationFinished | null = null;
  // "undecided" until the first non-blank content shows whether it may be a bare JSON tool call.
  let bare: "undecided" | "holding" | "no" = holdBareJson ? "undecided" : "no";
  let held = "";
  const content = (text: string, emit: (event: GenerationEvent) => void) => {
    if (bare === "no") {
      emit({ type: "content", text });
      return;
    }
    held += text;
    if (bare === "undecided" && held.trim() !== "") bare = /^\s*[[{]/.test(held) ? "holding" : "no";
    if (bare === "no") {
      emit({ type: "content", text: held });
      held = "";
    }
  };
  return {
    push(event, emit) {
      if (event.kind === "error") {
        emit({ type: "error", error: fromErrorDetails(event.error) });
        return true;
      }
      const response = event.response;
      if (typeof response === "string" || !("GeneratedToken" in response)) {
        emit({
          type: "error",
          error: fromErrorDetails({
            code: 502,
            description: "The agent answered with an unexpected response",
          }),
        });
        return true;
      }
      const result = response.GeneratedToken;
      if (typeof result !== "object") {
        emit({ type: "error", error: fromGenerationError(result) });
        return true;
      }
      if ("ContentToken" in result) content(result.ContentToken, emit);
      else if ("UndeterminableToken" in result) content(result.UndeterminableToken, emit);
      else if ("Logprobs" in result) emit({ type: "logprobs", entry: result.Logprobs });
      else if ("Finished" in result) finished = result.Finished;
      else if ("ReasoningToken" in result) emit({ type: "reasoning", text: result.ReasoningToken });
      else if ("ToolCallToken" in result) unparsedToolCallText += result.ToolCallToken;
      else if ("ToolCallParsed" in result) {
        unparsedToolCallText = "";
        // The held answer was the tool call itself.
        held = "";
        emit({ type: "tool_calls", calls: result.ToolCallParsed });
      } else if (
        "ToolCallParseFailed" in result ||
        "ToolCallValidationFailed" in result ||
        "UnrecognizedToolCallFormat" in result
      ) {
        // Not terminal: the text is handed back as content when Done arrives.
      } else if ("Done" in result) {
        if (held) emit({ type: "content", text: held });
        if (unparsedToolCallText) emit({ type: "content", text: unparsedToolCallText });
        emit({ type: "done", usage: result.Done.usage, finished });
        return true;
      } else {
        emit({ type: "error", error: fromGenerationError(result) });
        return true;
      }
      return false;
    },
    end(emit) {
      emit({
        type: "error",
        error: fromErrorDetails({ code: 502, description: "Response channel closed before terminator" }),
      });
    },
  };
}

/** The same over an async iterable of dispatch events, for routes that read step by step. */
export async function* toGenerationEvents(
  events: AsyncIterable<DispatchEvent>,
  options: { holdBareJson?: boolean } = {},
): AsyncGenerator<GenerationEvent> {
  const mapper = generationEventMapper(options);
  const out: GenerationEvent[] = [];
  const emit = (event: GenerationEvent) => {
    out.push(event);
  };
  for await (const event of events) {
    const ended = mapper.push(event, emit);
    for (const item of out.splice(0)) yield item;
    if (ended) return;
  }
  mapper.end(emit);
  for (const item of out.splice(0)) yield item;
}

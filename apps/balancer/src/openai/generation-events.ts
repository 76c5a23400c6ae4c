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

/**
 * Turns dispatch events into generation events. Raw tool-call tokens are held back: when the agent
 * parses them they become `tool_calls`; when it cannot, their text is given back as content at
 * the end rather than silently lost. With `holdBareJson` (tools offered), an answer that starts
 * like JSON is held back too: the agent may parse it as a bare tool call, and then it is no content.
 */
export async function* toGenerationEvents(
  events: AsyncIterable<DispatchEvent>,
  { holdBareJson = false }: { holdBareJson?: boolean } = {},
): AsyncGenerator<GenerationEvent> {
  let unparsedToolCallText = "";
  let finished: GenerationFinished | null = null;
  // "undecided" until the first non-blank content shows whether it may be a bare JSON tool call.
  let bare: "undecided" | "holding" | "no" = holdBareJson ? "undecided" : "no";
  let held = "";
  function* content(text: string): Generator<GenerationEvent> {
    if (bare === "no") {
      yield { type: "content", text };
      return;
    }
    held += text;
    if (bare === "undecided" && held.trim() !== "") bare = /^\s*[[{]/.test(held) ? "holding" : "no";
    if (bare === "no") {
      yield { type: "content", text: held };
      held = "";
    }
  }
  for await (const event of events) {
    if (event.kind === "error") {
      yield { type: "error", error: fromErrorDetails(event.error) };
      return;
    }
    const response = event.response;
    if (typeof response === "string" || !("GeneratedToken" in response)) {
      yield {
        type: "error",
        error: fromErrorDetails({ code: 502, description: "The agent answered with an unexpected response" }),
      };
      return;
    }
    const result = response.GeneratedToken;
    if (typeof result === "object") {
      if ("ContentToken" in result) yield* content(result.ContentToken);
      else if ("UndeterminableToken" in result) yield* content(result.UndeterminableToken);
      else if ("Logprobs" in result) yield { type: "logprobs", entry: result.Logprobs };
      else if ("Finished" in result) finished = result.Finished;
      else if ("ReasoningToken" in result) yield { type: "reasoning", text: result.ReasoningToken };
      else if ("ToolCallToken" in result) unparsedToolCallText += result.ToolCallToken;
      else if ("ToolCallParsed" in result) {
        unparsedToolCallText = "";
        // The held answer was the tool call itself.
        held = "";
        yield { type: "tool_calls", calls: result.ToolCallParsed };
      } else if (
        "ToolCallParseFailed" in result ||
        "ToolCallValidationFailed" in result ||
        "UnrecognizedToolCallFormat" in result
      ) {
        // Not terminal: the text is handed back as content when Done arrives.
      } else if ("Done" in result) {
        if (held) yield { type: "content", text: held };
        if (unparsedToolCallText) yield { type: "content", text: unparsedToolCallText };
        yield { type: "done", usage: result.Done.usage, finished };
        return;
      } else {
        yield { type: "error", error: fromGenerationError(result) };
        return;
      }
    } else {
      yield { type: "error", error: fromGenerationError(result) };
      return;
    }
  }
  yield {
    type: "error",
    error: fromErrorDetails({ code: 502, description: "Response channel closed before terminator" }),
  };
}

import type { ParsedToolCall, TokenUsage } from "@paddler/protocol";
import type { DispatchEvent } from "../dispatch/dispatcher.js";
import type { OpenAIError } from "./openai-error.js";
import { fromErrorDetails, fromGenerationError } from "./to-openai-error.js";

/** What the OpenAI routes care about in a generation, whichever API shape they answer in. */
export type GenerationEvent =
  | { type: "content"; text: string }
  | { type: "reasoning"; text: string }
  | { type: "tool_calls"; calls: ParsedToolCall[] }
  | { type: "done"; usage: TokenUsage }
  | { type: "error"; error: OpenAIError };

/**
 * Turns dispatch events into generation events. Raw tool-call tokens are held back: when the agent
 * parses them they become `tool_calls`; when it cannot, their text is given back as content at
 * the end rather than silently lost.
 */
export async function* toGenerationEvents(
  events: AsyncIterable<DispatchEvent>,
): AsyncGenerator<GenerationEvent> {
  let unparsedToolCallText = "";
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
      if ("ContentToken" in result) yield { type: "content", text: result.ContentToken };
      else if ("UndeterminableToken" in result) yield { type: "content", text: result.UndeterminableToken };
      else if ("ReasoningToken" in result) yield { type: "reasoning", text: result.ReasoningToken };
      else if ("ToolCallToken" in result) unparsedToolCallText += result.ToolCallToken;
      else if ("ToolCallParsed" in result) {
        unparsedToolCallText = "";
        yield { type: "tool_calls", calls: result.ToolCallParsed };
      } else if (
        "ToolCallParseFailed" in result ||
        "ToolCallValidationFailed" in result ||
        "UnrecognizedToolCallFormat" in result
      ) {
        // Not terminal: the text is handed back as content when Done arrives.
      } else if ("Done" in result) {
        if (unparsedToolCallText) yield { type: "content", text: unparsedToolCallText };
        yield { type: "done", usage: result.Done.usage };
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

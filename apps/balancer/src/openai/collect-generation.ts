import type { ParsedToolCall, TokenUsage } from "@paddler/protocol";
import type { GenerationEvent } from "./generation-events.js";

export interface CollectedGeneration {
  content: string;
  reasoning: string;
  toolCalls: ParsedToolCall[];
  usage: TokenUsage;
}

/** Reads a whole generation; an error event is thrown (it becomes the HTTP error). */
export async function collectGeneration(
  events: AsyncIterable<GenerationEvent>,
): Promise<CollectedGeneration> {
  let content = "";
  let reasoning = "";
  const toolCalls: ParsedToolCall[] = [];
  for await (const event of events) {
    switch (event.type) {
      case "content":
        content += event.text;
        break;
      case "reasoning":
        reasoning += event.text;
        break;
      case "tool_calls":
        toolCalls.push(...event.calls);
        break;
      case "error":
        throw event.error;
      case "done":
        return { content, reasoning, toolCalls, usage: event.usage };
    }
  }
  throw new Error("generation ended without Done");
}

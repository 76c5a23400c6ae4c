import type { GenerationFinished, ParsedToolCall, TokenLogprobs, TokenUsage } from "@paddler/protocol";
import type { GenerationEvent } from "./generation-events.js";

export interface CollectedGeneration {
  content: string;
  reasoning: string;
  toolCalls: ParsedToolCall[];
  logprobs: TokenLogprobs[];
  usage: TokenUsage;
  finished: GenerationFinished | null;
}

/** Reads a whole generation; an error event is thrown (it becomes the HTTP error). */
export async function collectGeneration(
  events: AsyncIterable<GenerationEvent>,
): Promise<CollectedGeneration> {
  let content = "";
  let reasoning = "";
  const toolCalls: ParsedToolCall[] = [];
  const logprobs: TokenLogprobs[] = [];
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
      case "logprobs":
        logprobs.push(event.entry);
        break;
      case "error":
        throw event.error;
      case "done":
        return { content, reasoning, toolCalls, logprobs, usage: event.usage, finished: event.finished };
    }
  }
  throw new Error("generation ended without Done");
}

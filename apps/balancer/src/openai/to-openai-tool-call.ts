import type { ParsedToolCall } from "@paddler/protocol";

/** Arguments as OpenAI sends them: a JSON string (invalid JSON is passed on as the model wrote it). */
export function toolCallArguments(call: ParsedToolCall): string {
  return "ValidJson" in call.arguments
    ? JSON.stringify(call.arguments.ValidJson)
    : call.arguments.InvalidJson;
}

export function toOpenAIToolCall(call: ParsedToolCall) {
  return {
    id: call.id,
    type: "function" as const,
    function: { name: call.name, arguments: toolCallArguments(call) },
  };
}

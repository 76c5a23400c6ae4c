import type { ParsedToolCall } from "@paddler/protocol";

/** A parsed tool call as a `tool_use` block (`input` is an object; unparsable arguments stay a string). */
export function toolUseBlock(call: ParsedToolCall) {
  const input =
    "ValidJson" in call.arguments ? call.arguments.ValidJson : { arguments: call.arguments.InvalidJson };
  return {
    type: "tool_use" as const,
    id: `toolu_${call.id.replace(/^call_/, "")}`,
    name: call.name,
    input: input ?? {},
  };
}

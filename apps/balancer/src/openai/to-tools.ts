import type { Tool } from "@paddler/protocol";

export interface FunctionToolInput {
  name: string;
  description?: string | null | undefined;
  parameters?: Record<string, unknown> | null | undefined;
}

/** OpenAI function tools as Paddler takes them (a description is required there; empty if none). */
export function toTools(functions: readonly FunctionToolInput[]): Tool[] {
  return functions.map(({ name, description, parameters }) => ({
    type: "function",
    function: {
      name,
      description: description ?? "",
      // The protocol schema validates `parameters` when the request is checked before dispatch.
      ...(parameters ? { parameters: parameters as Tool["function"]["parameters"] } : {}),
    },
  }));
}

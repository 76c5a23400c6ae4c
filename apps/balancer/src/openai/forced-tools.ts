import type { GrammarConstraint, Tool } from "@paddler/protocol";
import { invalidRequest } from "./openai-error.js";
import { toolCallGrammar } from "./tool-call-grammar.js";

export type ToolChoice = "auto" | "none" | "required" | { name: string } | null | undefined;

/**
 * The tools the agent is told about and, when a call is forced (`required` or a named tool), the
 * grammar that forces it. `none` hides the tools.
 */
export function resolveToolChoice(options: {
  tools: Tool[];
  choice: ToolChoice;
  parallel: boolean | null | undefined;
  param: { tools: string; choice: string };
}): { tools: Tool[]; grammar: GrammarConstraint | null } {
  const { tools, choice, param } = options;
  if (choice === "none") return { tools: [], grammar: null };
  if (choice === "required" || (typeof choice === "object" && choice !== null)) {
    const forced =
      typeof choice === "object" ? tools.filter((tool) => tool.function.name === choice.name) : tools;
    if (forced.length === 0)
      throw invalidRequest(
        typeof choice === "object"
          ? `Invalid value for '${param.choice}': no tool named '${choice.name}' is in '${param.tools}'`
          : `Invalid value for '${param.choice}': 'required' needs at least one tool in '${param.tools}'`,
        param.choice,
      );
    // One call unless the client asked for parallel calls outright: small models repeat otherwise.
    return {
      tools,
      grammar: toolCallGrammar({ tools: forced, parallel: options.parallel === true, param: param.tools }),
    };
  }
  return { tools, grammar: null };
}

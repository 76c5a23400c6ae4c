import { exceedsJsonSchemaLimits, type GrammarConstraint, type Tool } from "@paddler/protocol";
import {
  createGbnfBuilder,
  gbnfLiteral,
  SchemaGrammarError,
} from "./json-schema-grammar/json-schema-to-gbnf.js";
import { invalidRequest } from "./openai-error.js";

/**
 * A grammar that makes the model call a tool, as llama.cpp does for `tool_choice: "required"` or
 * a named tool: `<tool_call>{"name": …, "arguments": …}</tool_call>`, the arguments following the
 * tool's parameter schema. The agent reads these tags as tool-call text, never as content.
 * `parallel` allows more calls after the first.
 */
export function toolCallGrammar(options: {
  tools: readonly Tool[];
  parallel: boolean;
  /** Where the tools sit in the request, for errors (`tools`). */
  param: string;
}): GrammarConstraint {
  const builder = createGbnfBuilder();
  const calls = options.tools.map((tool, index) => {
    const name = `tool-${index}`;
    let args: string;
    const tooComplex = exceedsJsonSchemaLimits(tool.function.parameters ?? {});
    if (tooComplex) {
      const at = `${options.param}.${index}.function.parameters`;
      throw invalidRequest(`Invalid value for '${at}': JSON schema ${tooComplex}`, at);
    }
    try {
      args = builder.addSchema(tool.function.parameters ?? { type: "object" }, `${name}-args`);
    } catch (error) {
      if (!(error instanceof SchemaGrammarError)) throw error;
      const at = `${options.param}[${index}].parameters${error.path ? `.${error.path}` : ""}`;
      throw invalidRequest(`Invalid JSON schema at '${at}': ${error.message}`, at, "invalid_json_schema");
    }
    return builder.addRule(
      `${name}-call`,
      `${gbnfLiteral(`{"name": ${JSON.stringify(tool.function.name)}, "arguments": `)} ${args} "}"`,
    );
  });
  builder.addRule("call", `"<tool_call>\\n" ( ${calls.join(" | ")} ) "\\n</tool_call>"`);
  builder.addRule("root", options.parallel ? `call ( "\\n" call )*` : "call");
  return { type: "gbnf", grammar: builder.format(), root: "root" };
}

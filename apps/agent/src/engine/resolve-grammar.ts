import {
  exceedsGbnfLimits,
  exceedsJsonSchemaLimits,
  type GeneratedTokenResult,
  type GrammarConstraint,
  jsonSchemaLimits,
  parseJsonWithLimits,
} from "@paddler/protocol";
import {
  type GbnfJsonSchema,
  isLlamaText,
  type Llama,
  type LlamaGrammar,
  LlamaGrammarEvaluationState,
  type LlamaModel,
} from "node-llama-cpp";
import { describeCause } from "./engine-errors.js";

export interface RequestGrammar {
  evaluationState: LlamaGrammarEvaluationState;
  /**
   * node-llama-cpp's JSON-schema grammars end in "\n\n\n\n" plus any newlines and rely on the
   * caller stopping there; the engine treats these like stop strings.
   */
  stopStrings: string[];
}

export type ResolveGrammarResult = { grammar: RequestGrammar } | { error: GeneratedTokenResult };

/** Builds the per-request grammar state, or the terminal error Paddler sends for a bad grammar. */
export async function resolveGrammar(options: {
  llama: Llama;
  model: LlamaModel;
  constraint: GrammarConstraint;
}): Promise<ResolveGrammarResult> {
  const { llama, model, constraint } = options;
  let grammar: LlamaGrammar;
  try {
    // Checked again here, whoever sent the request: llama.cpp's native parser and node-llama-cpp's
    // schema conversion are recursive, and a grammar bomb would take the whole process down.
    if (constraint.type === "gbnf") {
      const breach = exceedsGbnfLimits(constraint.grammar);
      if (breach) return { error: { GrammarSyntaxError: `The grammar ${breach}` } };
      grammar = await llama.createGrammar({ grammar: constraint.grammar, rootRuleName: constraint.root });
    } else {
      const read = parseJsonWithLimits(constraint.schema, {
        maxDepth: jsonSchemaLimits.maxDepth,
        maxValues: jsonSchemaLimits.maxNodes,
      });
      if (!read.ok) {
        return {
          error: {
            GrammarSyntaxError:
              read.kind === "limit"
                ? `The JSON schema is too complex: ${read.reason}`
                : `Grammar cannot be parsed: ${read.reason}`,
          },
        };
      }
      const schema = read.value;
      if (schema === null || typeof schema !== "object") {
        return { error: { GrammarSyntaxError: "JSON schema must be a JSON object" } };
      }
      const breach = exceedsJsonSchemaLimits(schema);
      if (breach) return { error: { GrammarSyntaxError: `The JSON schema ${breach}` } };
      // node-llama-cpp converts a subset of JSON Schema and ignores keywords it does not know
      // (pattern, minLength…); its type only describes that subset, so the parsed value is cast.
      grammar = await llama.createGrammarForJsonSchema<GbnfJsonSchema>(schema as GbnfJsonSchema);
    }
  } catch (cause) {
    return {
      error: { GrammarSyntaxError: `Grammar cannot be parsed: ${describeCause(cause)}` },
    };
  }
  try {
    // llama.cpp parses GBNF here, not in createGrammar: a missing root rule surfaces at this point.
    const evaluationState = new LlamaGrammarEvaluationState({ model, grammar });
    const stopStrings = grammar.stopGenerationTriggers.flatMap((trigger) =>
      typeof trigger === "string" ? [trigger] : isLlamaText(trigger) ? [trigger.toString()] : [],
    );
    return { grammar: { evaluationState, stopStrings } };
  } catch (cause) {
    return {
      error: { GrammarSyntaxError: `Grammar cannot be parsed: ${describeCause(cause)}` },
    };
  }
}

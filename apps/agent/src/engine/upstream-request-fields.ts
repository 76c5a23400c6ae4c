import {
  type AgentDesiredState,
  defaultInferenceParameters,
  type GrammarConstraint,
  type SamplingOverrides,
} from "@paddler/protocol";

/** The sampling a request runs with: the cluster's parameters, then the request's own overrides. */
export function effectiveSampling(state: AgentDesiredState | null, overrides: SamplingOverrides | undefined) {
  const parameters = state?.inference_parameters ?? defaultInferenceParameters;
  return {
    temperature: overrides?.temperature ?? parameters.temperature,
    top_p: overrides?.top_p ?? parameters.top_p,
    top_k: overrides?.top_k ?? parameters.top_k,
    min_p: overrides?.min_p ?? parameters.min_p,
    presence_penalty: overrides?.penalty_presence ?? parameters.penalty_presence,
    frequency_penalty: overrides?.penalty_frequency ?? parameters.penalty_frequency,
    repeat_penalty: overrides?.penalty_repeat ?? parameters.penalty_repeat,
    // Paddler's -1 is "the whole context"; llama-server takes only counts.
    repeat_last_n: parameters.penalty_last_n < 0 ? parameters.context_size : parameters.penalty_last_n,
    // llama-server applies these itself (node-llama-cpp has no typical sampler): passed through.
    ...(overrides?.typical_p !== undefined ? { typical_p: overrides.typical_p } : {}),
    ...(overrides?.ignore_eos !== undefined ? { ignore_eos: overrides.ignore_eos } : {}),
    ...(overrides?.seed !== undefined ? { seed: overrides.seed } : {}),
    ...(overrides?.stop ? { stop: overrides.stop } : {}),
  };
}

/** A grammar in llama-server's terms, or the reason it cannot be one. */
export function llamaServerGrammar(
  grammar: GrammarConstraint | null | undefined,
): { fields: Record<string, unknown> } | { error: string } {
  if (!grammar) return { fields: {} };
  if (grammar.type === "gbnf") {
    // llama-server starts at the rule named root.
    return {
      fields: {
        grammar: grammar.root === "root" ? grammar.grammar : `root ::= ${grammar.root}\n${grammar.grammar}`,
      },
    };
  }
  try {
    return { fields: { json_schema: JSON.parse(grammar.schema) } };
  } catch (error) {
    return { error: `The JSON schema is not JSON: ${(error as Error).message}` };
  }
}

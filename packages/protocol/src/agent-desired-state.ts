import { z } from "zod";
import { agentDesiredModelSchema } from "./agent-desired-model.js";
import type { BalancerDesiredState } from "./balancer-desired-state.js";
import { chatTemplateSchema } from "./chat-template.js";
import { inferenceParametersSchema } from "./inference-parameters.js";

/** The state pushed to agents: the desired state with the override already resolved. */
export const agentDesiredStateSchema = z.strictObject({
  // An Option in Paddler: a body without the key (Paddler's Python client never sends it) means null.
  chat_template_override: chatTemplateSchema.nullable().default(null),
  inference_parameters: inferenceParametersSchema,
  model: agentDesiredModelSchema,
  multimodal_projection: agentDesiredModelSchema,
});
export type AgentDesiredState = z.infer<typeof agentDesiredStateSchema>;

/** Paddler's conversion: `use_chat_template_override: false` drops the override. */
export function toAgentDesiredState(state: BalancerDesiredState): AgentDesiredState {
  return {
    chat_template_override: state.use_chat_template_override ? state.chat_template_override : null,
    inference_parameters: state.inference_parameters,
    model: state.model,
    multimodal_projection: state.multimodal_projection,
  };
}

import { z } from "zod";
import { agentDesiredModelSchema } from "./agent-desired-model.js";
import { chatTemplateSchema } from "./chat-template.js";
import { defaultInferenceParameters, inferenceParametersSchema } from "./inference-parameters.js";

/** What the operator wants the fleet to run. Keys are required but for the Option, unknown keys refused (as in Paddler). */
export const balancerDesiredStateSchema = z.strictObject({
  // An Option in Paddler: a body without the key (Paddler's Python client never sends it) means null.
  chat_template_override: chatTemplateSchema.nullable().default(null),
  inference_parameters: inferenceParametersSchema,
  model: agentDesiredModelSchema,
  multimodal_projection: agentDesiredModelSchema,
  use_chat_template_override: z.boolean(),
});
export type BalancerDesiredState = z.infer<typeof balancerDesiredStateSchema>;

export const defaultBalancerDesiredState: BalancerDesiredState = Object.freeze({
  chat_template_override: null,
  inference_parameters: defaultInferenceParameters,
  model: "None",
  multimodal_projection: "None",
  use_chat_template_override: false,
});

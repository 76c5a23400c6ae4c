import {
  type BalancerDesiredState,
  defaultBalancerDesiredState,
  defaultInferenceParameters,
} from "@paddler/protocol";
import { modelPath } from "./repo-paths.js";

/**
 * The desired state every bench uses: the shared test model with greedy sampling and neutral
 * penalties, so node-llama-cpp called directly can use exactly the same settings. stories260K's
 * head size (8) does not fit Q8_0 blocks, so its KV cache is F16 (as in the e2e harness).
 */
export function benchDesiredState(): BalancerDesiredState {
  return {
    ...defaultBalancerDesiredState,
    model: { LocalToAgent: modelPath },
    chat_template_override: { content: "{% for m in messages %}{{ m['content'] }}\n{% endfor %}" },
    use_chat_template_override: true,
    inference_parameters: {
      ...defaultInferenceParameters,
      context_size: 4096,
      n_batch: 512,
      temperature: 0,
      penalty_repeat: 1,
      penalty_presence: 0,
      penalty_frequency: 0,
      k_cache_dtype: "F16",
      v_cache_dtype: "F16",
    },
  };
}

import type { ClusterState } from "../cluster/cluster-state.js";
import { OpenAIError } from "./openai-error.js";

export type RequireTokenGeneration = () => void;
export type RequireEmbeddings = () => void;

/**
 * Chat, completions and responses need a cluster that is not in embeddings mode. Paddler's native
 * API answers 501; here it is a 400, since client SDKs retry every 5xx and this will not heal.
 */
export function tokenGenerationGuard(cluster: ClusterState): RequireTokenGeneration {
  return () => {
    if (!cluster.tokenGenerationEnabled)
      throw new OpenAIError({
        message:
          "Token generation is disabled while the cluster is configured for embeddings (inference_parameters.enable_embeddings is true)",
        status: 400,
        code: "token_generation_disabled",
      });
  };
}

/** Embeddings need a cluster in embeddings mode; a 400 (not retried) for the same reason. */
export function embeddingsGuard(cluster: ClusterState): RequireEmbeddings {
  return () => {
    if (!cluster.desired.inference_parameters.enable_embeddings)
      throw new OpenAIError({
        message:
          "Embeddings are disabled on this cluster; set inference_parameters.enable_embeddings to true in the balancer desired state",
        status: 400,
        code: "embeddings_disabled",
      });
  };
}

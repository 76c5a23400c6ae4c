import type { PaddlerClient } from "@paddler/client";
import { queryOptions } from "@tanstack/react-query";
import { retryUnlessUnauthorized } from "../auth/unauthorized.js";

/**
 * An agent's GGUF metadata (an RPC to the agent through the balancer). Keyed by the model path
 * too, so a model change fetches it again.
 */
export const modelMetadataQueryOptions = (client: PaddlerClient, agentId: string, modelPath: string | null) =>
  queryOptions({
    queryKey: ["model-metadata", agentId, modelPath],
    queryFn: ({ signal }) => client.management.modelMetadata(agentId, { signal }),
    enabled: modelPath !== null,
    staleTime: Number.POSITIVE_INFINITY,
    retry: retryUnlessUnauthorized(1),
  });

import type { PaddlerClient, TokenGenerationModeNotification } from "@paddler/client";
import { queryOptions, experimental_streamedQuery as streamedQuery } from "@tanstack/react-query";

/**
 * The cluster's token-generation mode from the inference socket's notifications. Paddler only
 * announces `TokenGenerationDisabled` (embeddings mode), so no value yet means enabled.
 */
export const tokenGenerationModeQueryOptions = (client: PaddlerClient, enabled: boolean) =>
  queryOptions({
    queryKey: ["token-generation-mode"],
    queryFn: streamedQuery({
      streamFn: ({ signal }) => client.inference.socket.subscribeToTokenGenerationMode({ signal }),
      reducer: (_previous: TokenGenerationModeNotification | null, next: TokenGenerationModeNotification) =>
        next,
      initialValue: null,
    }),
    enabled,
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
    retry: false,
  });

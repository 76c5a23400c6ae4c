import type { PaddlerClient } from "@paddler/client";
import { queryOptions } from "@tanstack/react-query";
import { retryUnlessUnauthorized } from "../auth/unauthorized.js";

/** The chat template override an agent uses, or `null` (an RPC to the agent through the balancer). */
export const chatTemplateOverrideQueryOptions = (
  client: PaddlerClient,
  agentId: string,
  modelPath: string | null,
) =>
  queryOptions({
    queryKey: ["chat-template-override", agentId, modelPath],
    queryFn: ({ signal }) => client.management.chatTemplateOverride(agentId, { signal }),
    enabled: modelPath !== null,
    staleTime: Number.POSITIVE_INFINITY,
    retry: retryUnlessUnauthorized(1),
  });

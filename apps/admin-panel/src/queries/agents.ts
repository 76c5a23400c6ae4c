import type { AgentsResponse, PaddlerClient } from "@paddler/client";
import { queryOptions, experimental_streamedQuery as streamedQuery } from "@tanstack/react-query";

/** Every agent, live: the SSE stream's latest `{agents}` snapshot replaces the cached one. */
export const agentsQueryOptions = (client: PaddlerClient) =>
  queryOptions({
    queryKey: ["agents"],
    queryFn: streamedQuery({
      streamFn: ({ signal }) => client.management.agentsStream({ signal }),
      reducer: (_previous: AgentsResponse | null, next: AgentsResponse) => next,
      initialValue: null,
    }),
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
    retry: false,
  });

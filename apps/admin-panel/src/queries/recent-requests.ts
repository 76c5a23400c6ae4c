import type { PaddlerClient, RecentRequests } from "@paddler/client";
import { queryOptions, experimental_streamedQuery as streamedQuery } from "@tanstack/react-query";

/** The last requests that ended, newest first, live. */
export const recentRequestsQueryOptions = (client: PaddlerClient) =>
  queryOptions({
    queryKey: ["recent-requests"],
    queryFn: streamedQuery({
      streamFn: ({ signal }) => client.management.fleet.recentRequestsStream({ signal, limit: 20 }),
      reducer: (_previous: RecentRequests | null, next: RecentRequests) => next,
      initialValue: null,
    }),
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
    retry: false,
  });

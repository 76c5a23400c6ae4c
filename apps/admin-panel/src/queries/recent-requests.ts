import type { PaddlerClient } from "@paddler/client";
import { queryOptions } from "@tanstack/react-query";

/**
 * The last requests that ended, newest first, polled: a browser keeps at most six connections
 * to one host, and the panel's live streams already hold several.
 */
export const recentRequestsQueryOptions = (client: PaddlerClient) =>
  queryOptions({
    queryKey: ["recent-requests"],
    queryFn: ({ signal }) => client.management.fleet.recentRequests({ signal, limit: 20 }),
    refetchInterval: 3000,
  });

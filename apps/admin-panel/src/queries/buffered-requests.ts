import type { BufferedRequestsResponse, PaddlerClient } from "@paddler/client";
import { queryOptions, experimental_streamedQuery as streamedQuery } from "@tanstack/react-query";

/** Requests waiting for a free slot, live from the SSE stream. */
export const bufferedRequestsQueryOptions = (client: PaddlerClient) =>
  queryOptions({
    queryKey: ["buffered-requests"],
    queryFn: streamedQuery({
      streamFn: ({ signal }) => client.management.bufferedRequestsStream({ signal }),
      reducer: (_previous: BufferedRequestsResponse | null, next: BufferedRequestsResponse) => next,
      initialValue: null,
    }),
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
    retry: false,
  });

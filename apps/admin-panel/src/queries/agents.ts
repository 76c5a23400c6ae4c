import type { AgentsResponse, PaddlerClient } from "@paddler/client";
import { queryOptions, experimental_streamedQuery as streamedQuery } from "@tanstack/react-query";
import type { ConnectionHealth } from "../live/connection-health.js";

/**
 * Every agent, live: the SSE stream's latest `{agents}` snapshot replaces the cached one. With
 * `health`, the stream also says when it drops and comes back (the stream-drop banner).
 */
export const agentsQueryOptions = (client: PaddlerClient, health?: ConnectionHealth) =>
  queryOptions({
    queryKey: ["agents"],
    queryFn: streamedQuery({
      streamFn: ({ signal }) => {
        const stream = client.management.agentsStream({
          signal,
          onConnectionChange: (connected) => health?.setConnected(connected),
        });
        return {
          async *[Symbol.asyncIterator]() {
            for await (const snapshot of stream) {
              health?.dataArrived();
              yield snapshot;
            }
          },
        };
      },
      reducer: (_previous: AgentsResponse | null, next: AgentsResponse) => next,
      initialValue: null,
    }),
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
    retry: false,
  });

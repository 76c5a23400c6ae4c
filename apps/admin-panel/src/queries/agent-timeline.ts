import type { PaddlerClient } from "@paddler/client";
import { queryOptions } from "@tanstack/react-query";

/** One agent's joins, leaves, reloads, issues and drains; refreshed every few seconds while shown. */
export const agentTimelineQueryOptions = (client: PaddlerClient, agentId: string) =>
  queryOptions({
    queryKey: ["agent-timeline", agentId],
    queryFn: ({ signal }) => client.management.fleet.agentTimeline({ agentId, signal }),
    refetchInterval: 5000,
  });

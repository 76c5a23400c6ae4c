import type { MetricsHistory, MetricsHistoryEvent, MetricsPoint, PaddlerClient } from "@paddler/client";
import { queryOptions, experimental_streamedQuery as streamedQuery } from "@tanstack/react-query";

function appendPoint(series: readonly MetricsPoint[] | undefined, point: MetricsPoint, keepFrom: number) {
  return [...(series ?? []).filter((existing) => existing.t >= keepFrom && existing.t !== point.t), point];
}

/** Applies one stream event: the whole history replaces the cache, an update adds one bucket. */
export function reduceMetricsHistory(
  previous: MetricsHistory | null,
  event: MetricsHistoryEvent,
): MetricsHistory {
  if ("history" in event) return event.history;
  if (previous === null)
    return { bucket_ms: 5000, retention_ms: 3_600_000, fleet: [event.update.fleet], pools: {}, agents: {} };
  const keepFrom = event.update.fleet.t - previous.retention_ms;
  const merge = (series: Record<string, MetricsPoint[]>, updates: Record<string, MetricsPoint>) => {
    const next: Record<string, MetricsPoint[]> = { ...series };
    for (const [name, point] of Object.entries(updates))
      next[name] = appendPoint(series[name], point, keepFrom);
    return next;
  };
  return {
    ...previous,
    fleet: appendPoint(previous.fleet, event.update.fleet, keepFrom),
    pools: merge(previous.pools, event.update.pools),
    agents: merge(previous.agents, event.update.agents),
  };
}

/** The balancer's own metrics history, live: the last hour at once, then each bucket as it closes. */
export const metricsHistoryQueryOptions = (client: PaddlerClient) =>
  queryOptions({
    queryKey: ["metrics-history"],
    queryFn: streamedQuery({
      streamFn: ({ signal }) => client.management.fleet.metricsHistoryStream({ signal }),
      reducer: reduceMetricsHistory,
      initialValue: null,
    }),
    staleTime: Number.POSITIVE_INFINITY,
    refetchOnWindowFocus: false,
    retry: false,
  });

import { useQuery } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { usePanel } from "../config/panel-context.js";
import { agentsQueryOptions } from "../queries/agents.js";
import { bufferedRequestsQueryOptions } from "../queries/buffered-requests.js";
import { useConnectionHealthStore } from "./connection-health.js";
import { useMetricsHistory } from "./metrics-history-context.js";

const sampleEveryMs = 1000;

/**
 * Keeps the live streams open on every page and samples them once a second into the history
 * the charts draw. Renders nothing.
 */
export function MetricsSampler() {
  const health = useConnectionHealthStore();
  const { client } = usePanel();
  const history = useMetricsHistory();
  const agents = useQuery(agentsQueryOptions(client, health)).data;
  const buffered = useQuery(bufferedRequestsQueryOptions(client)).data;
  const latest = useRef({ agents, buffered });
  latest.current = { agents, buffered };

  useEffect(() => {
    const timer = setInterval(() => {
      const { agents: current, buffered: queue } = latest.current;
      const list = current?.agents ?? [];
      history.add({
        at: Date.now(),
        slotsProcessing: list.reduce((sum, agent) => sum + agent.slots_processing, 0),
        slotsTotal: list.reduce((sum, agent) => sum + agent.slots_total, 0),
        bufferedRequests: queue?.buffered_requests_current ?? 0,
      });
    }, sampleEveryMs);
    return () => clearInterval(timer);
  }, [history]);
  return null;
}

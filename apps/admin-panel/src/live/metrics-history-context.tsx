import { createContext, type ReactNode, useContext, useSyncExternalStore } from "react";
import type { MetricsHistory, MetricsSample } from "./metrics-history.js";

const MetricsHistoryContext = createContext<MetricsHistory | null>(null);

export function MetricsHistoryProvider({ value, children }: { value: MetricsHistory; children: ReactNode }) {
  return <MetricsHistoryContext value={value}>{children}</MetricsHistoryContext>;
}

export function useMetricsHistory(): MetricsHistory {
  const history = useContext(MetricsHistoryContext);
  if (!history) throw new Error("useMetricsHistory() outside <MetricsHistoryProvider>");
  return history;
}

export function useMetricsSamples(): readonly MetricsSample[] {
  const history = useMetricsHistory();
  return useSyncExternalStore(history.subscribe, history.samples);
}

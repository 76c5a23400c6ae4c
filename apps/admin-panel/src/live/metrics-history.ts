/** One sample of the fleet, taken once a second by the panel. */
export interface MetricsSample {
  at: number;
  slotsProcessing: number;
  slotsTotal: number;
  bufferedRequests: number;
  /** Tokens this browser's prompt tester received per second since the previous sample. */
  promptTokensPerSecond: number;
}

export interface MetricsHistory {
  /** Counts tokens the prompt page received; folded into the next sample. */
  recordTokens(count: number): void;
  add(sample: Omit<MetricsSample, "promptTokensPerSecond">): void;
  samples(): readonly MetricsSample[];
  subscribe(listener: () => void): () => void;
}

/** A rolling window of samples (five minutes by default), readable with useSyncExternalStore. */
export function createMetricsHistory({ windowMs = 5 * 60_000 }: { windowMs?: number } = {}): MetricsHistory {
  let samples: readonly MetricsSample[] = [];
  let pendingTokens = 0;
  const listeners = new Set<() => void>();
  return {
    recordTokens(count) {
      pendingTokens += count;
    },
    add(sample) {
      const previous = samples.at(-1);
      const seconds = previous ? Math.max((sample.at - previous.at) / 1000, 0.001) : 1;
      const next = { ...sample, promptTokensPerSecond: pendingTokens / seconds };
      pendingTokens = 0;
      samples = [...samples.filter((kept) => kept.at > sample.at - windowMs), next];
      for (const listener of listeners) listener();
    },
    samples: () => samples,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/** How a dispatched request ended, as a bounded set of label values. */
export type RequestOutcome =
  | "completed"
  | "cancelled"
  | "agent_error"
  | "agent_disconnected"
  | "item_timeout"
  | "buffer_overflow"
  | "buffer_timeout"
  | "shutting_down"
  | "invalid_request"
  | "error";

/**
 * What the dispatcher reports as requests run; times are in seconds. `agent` is a label value,
 * `pool` the model pool (the default pool when absent).
 */
export interface DispatchMetrics {
  bufferWait(seconds: number, pool?: string): void;
  firstToken(agent: string, seconds: number, pool?: string): void;
  betweenTokens(agent: string, seconds: number, pool?: string): void;
  tokens(agent: string, counts: { prompt: number; generated: number; cached?: number }, pool?: string): void;
  finished(agent: string | null, outcome: RequestOutcome, seconds: number, pool?: string): void;
}

/** The same metrics with every report labelled with one pool. */
export function poolDispatchMetrics(metrics: DispatchMetrics, pool: string | undefined): DispatchMetrics {
  if (pool === undefined) return metrics;
  return {
    bufferWait: (seconds) => metrics.bufferWait(seconds, pool),
    firstToken: (agent, seconds) => metrics.firstToken(agent, seconds, pool),
    betweenTokens: (agent, seconds) => metrics.betweenTokens(agent, seconds, pool),
    tokens: (agent, counts) => metrics.tokens(agent, counts, pool),
    finished: (agent, outcome, seconds) => metrics.finished(agent, outcome, seconds, pool),
  };
}

export const noDispatchMetrics: DispatchMetrics = {
  bufferWait: () => {},
  firstToken: () => {},
  betweenTokens: () => {},
  tokens: () => {},
  finished: () => {},
};

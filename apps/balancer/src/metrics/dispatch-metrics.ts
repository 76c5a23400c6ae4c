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

/** What the dispatcher reports as requests run; times are in seconds. `agent` is a label value. */
export interface DispatchMetrics {
  bufferWait(seconds: number): void;
  firstToken(agent: string, seconds: number): void;
  betweenTokens(agent: string, seconds: number): void;
  tokens(agent: string, counts: { prompt: number; generated: number }): void;
  finished(agent: string | null, outcome: RequestOutcome, seconds: number): void;
}

export const noDispatchMetrics: DispatchMetrics = {
  bufferWait: () => {},
  firstToken: () => {},
  betweenTokens: () => {},
  tokens: () => {},
  finished: () => {},
};

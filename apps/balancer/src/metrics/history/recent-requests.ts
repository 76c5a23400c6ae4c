import type { RecentRequest, RequestOutcomeName } from "@paddler/protocol";
import type { DispatchMetrics } from "../dispatch-metrics.js";

export interface RequestContext {
  requestId: string;
  pool: string | undefined;
}

export interface RecentRequestsStore {
  /** A DispatchMetrics for one request: what it reports becomes one activity row when it ends. */
  track(context: RequestContext & { traceId?: string | null }): DispatchMetrics;
  /** Newest first. */
  list(limit?: number): RecentRequest[];
  subscribe(listener: (request: RecentRequest) => void): () => void;
}

/** The last `capacity` requests that ended (id, agent, tokens, time to first token, duration, outcome). */
export function createRecentRequests({
  capacity = 200,
  now = Date.now,
}: {
  capacity?: number;
  now?: () => number;
} = {}): RecentRequestsStore {
  const rows: RecentRequest[] = [];
  const listeners = new Set<(request: RecentRequest) => void>();
  return {
    track: ({ requestId, pool, traceId = null }) => {
      let firstTokenMs: number | null = null;
      let tokens: { prompt: number; generated: number } | null = null;
      return {
        bufferWait: () => {},
        firstToken: (_agent, seconds) => {
          firstTokenMs = round(seconds * 1000);
        },
        betweenTokens: () => {},
        tokens: (_agent, counts) => {
          tokens = { prompt: counts.prompt, generated: counts.generated };
        },
        finished: (agent, outcome, seconds) => {
          const row: RecentRequest = {
            id: requestId,
            agent,
            pool: pool ?? null,
            outcome: outcome as RequestOutcomeName,
            prompt_tokens: tokens?.prompt ?? null,
            generated_tokens: tokens?.generated ?? null,
            time_to_first_token_ms: firstTokenMs,
            duration_ms: round(seconds * 1000),
            finished_at: now(),
            trace_id: traceId,
          };
          rows.push(row);
          if (rows.length > capacity) rows.shift();
          for (const listener of listeners) listener(row);
        },
      };
    },
    list: (limit = capacity) => rows.slice(-limit).reverse(),
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

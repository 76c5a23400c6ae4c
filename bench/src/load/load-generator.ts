import { benchFile } from "../lib/repo-paths.js";
import { spawnEntry } from "../lib/spawn-entry.js";

export interface LoadResult {
  sent: number;
  errors: number;
  elapsedMs: number;
  /** Per successful request, from its scheduled send time (open loop) or its send (closed). */
  ttfbMs: number[];
  totalMs: number[];
}

export interface LoadGenerator {
  readonly pid: number;
  openLoop(options: { url: string; body: string; rate: number; durationMs: number }): Promise<LoadResult>;
  closedLoop(options: {
    url: string;
    body: string;
    concurrency: number;
    durationMs: number;
  }): Promise<LoadResult>;
  /** Closed loop over the inference socket: `concurrency` requests in flight on one WebSocket. */
  socketLoop(options: {
    url: string;
    request: unknown;
    concurrency: number;
    durationMs: number;
  }): Promise<LoadResult>;
  stop(): Promise<void>;
}

/** Forks the load worker (load-worker.ts) once; jobs run one at a time. */
export async function startLoadGenerator(): Promise<LoadGenerator> {
  const worker = await spawnEntry<{ type: "ready" }>({ file: benchFile("load/load-worker.ts") });
  return {
    pid: worker.pid,
    openLoop: (options) => worker.ask<LoadResult>({ type: "open", ...options }),
    closedLoop: (options) => worker.ask<LoadResult>({ type: "closed", ...options }),
    socketLoop: (options) => worker.ask<LoadResult>({ type: "socket", ...options }),
    stop: () => worker.stop(),
  };
}

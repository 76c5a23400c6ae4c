import type { AddedLatencyRow } from "../benches/added-latency-bench.js";
import type { FairnessResult } from "../benches/fairness-bench.js";
import type { LlamaServerEnginesRow } from "../benches/llama-server-engines-bench.js";
import type { ThroughputRow } from "../benches/model-throughput-bench.js";
import type { MultiTurnRow } from "../benches/multi-turn-chat-bench.js";
import type { OverheadResult } from "../benches/overhead-bench.js";
import type { ProfileResult } from "../benches/profile-bench.js";
import type { ScaleResult } from "../benches/scale-bench.js";
import type { TokenCostResult } from "../benches/token-cost-bench.js";
import type { MachineInfo } from "../lib/machine-info.js";

/** Everything one `pnpm bench` run measured; also written raw to bench/results/results.json. */
export interface BenchResults {
  machine: MachineInfo;
  /**
   * Where the balancer and agent ran from: "dist" (the tsc output, as in the Docker images) or
   * "source" (TypeScript through tsx, `--source`); absent in results from before, which ran source.
   */
  packagesFrom?: "dist" | "source";
  /** The `--baseline` checkout's commit, `abc1234 subject`, when one ran beside this build. */
  baselineCommit?: string;
  /** Seconds each bench took, by name. */
  durations: Record<string, number>;
  /** Benches that failed or were skipped, with why. */
  problems: string[];
  overhead: OverheadResult | null;
  addedLatency: AddedLatencyRow[] | null;
  throughput: ThroughputRow[] | null;
  scale: ScaleResult | null;
  tokenCost: TokenCostResult | null;
  fairness: FairnessResult | null;
  profile: ProfileResult | null;
  /** Issue 15: pool policies on a multi-turn chat workload; absent in results from before. */
  multiTurn?: MultiTurnRow[] | null;
  /** Issue 14's llama-server comparison (its own table: llama-server-engines.md). */
  llamaServer?: LlamaServerEnginesRow[] | null;
}

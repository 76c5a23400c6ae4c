import fc from "fast-check";
import { ClusterUnderTest } from "./cluster-under-test.js";
import { commands, emptyTotals, type RunTotals, runAndCheck } from "./randomized-run.js";

export interface SeedsOutcome {
  totals: RunTotals;
  seeds: number[];
  /** The first failure: its seed, fast-check's replay path and the message. */
  failure: { seed: number; message: string } | null;
  driftHealed: number;
}

export const randomizedClusterOptions = { slotsPerAgent: 2, drainTimeoutMs: 3000 };

/**
 * Starts one real cluster and runs one drawn command sequence per seed on it (no shrinking: every
 * step costs seconds of real inference), stopping at the first failure, or when `until` passes.
 */
export async function runSeeds(options: {
  seeds: Iterable<number>;
  until?: number;
  settleMs?: number;
  quietMs?: number;
  log?: (line: string) => void;
}): Promise<SeedsOutcome> {
  const log = options.log ?? (() => {});
  const cluster = new ClusterUnderTest(randomizedClusterOptions);
  const totals = emptyTotals();
  const seeds: number[] = [];
  let failure: SeedsOutcome["failure"] = null;
  const checkOptions = {
    settleMs: options.settleMs ?? 120_000,
    quietMs: options.quietMs ?? randomizedClusterOptions.drainTimeoutMs + 120_000,
  };
  try {
    await cluster.start();
    for (const seed of options.seeds) {
      if (options.until !== undefined && Date.now() > options.until) break;
      seeds.push(seed);
      log(`seed ${seed}`);
      try {
        await fc.assert(
          fc.asyncProperty(commands, (drawn) => runAndCheck(cluster, drawn, totals, checkOptions)),
          { seed, numRuns: 1, endOnFailure: true },
        );
      } catch (error) {
        // fast-check keeps the invariant that broke in `cause`.
        const cause =
          error instanceof Error && error.cause instanceof Error ? `\n${error.cause.message}` : "";
        failure = { seed, message: `${error instanceof Error ? error.message : String(error)}${cause}` };
        log(`FAILED with seed ${seed}; replay with PADDLER_RANDOMIZED_SEEDS=${seed}`);
        break;
      }
    }
    const driftHealed = cluster.counters.driftHealed + (await cluster.driftHealedNow().catch(() => 0));
    return { totals, seeds, failure, driftHealed };
  } finally {
    await cluster.close();
  }
}

/** Seeds from PADDLER_RANDOMIZED_SEEDS ("1,2,3"), for replaying a failure. */
export function seedsFromEnv(fallback: number[]): number[] {
  const given = process.env.PADDLER_RANDOMIZED_SEEDS;
  if (!given) return fallback;
  return given
    .split(",")
    .map((seed) => Number(seed.trim()))
    .filter((seed) => Number.isInteger(seed));
}

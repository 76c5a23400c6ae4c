import type { MetricsPoint, RequestOutcomeName } from "@paddler/protocol";
import { percentiles } from "./percentiles.js";

/** Latency samples kept per bucket and series; past this, reservoir sampling keeps memory flat. */
const MAX_SAMPLES = 512;

export interface GaugeSample {
  buffered: number;
  inUse: number;
  total: number;
}

/** What one series (the fleet, a pool, an agent) saw during one bucket. */
export class BucketAccumulator {
  generated = 0;
  prompt = 0;
  readonly outcomes: Partial<Record<RequestOutcomeName, number>> = {};
  readonly #firstToken: number[] = [];
  readonly #betweenTokens: number[] = [];
  #firstTokenSeen = 0;
  #betweenTokensSeen = 0;

  firstToken(ms: number): void {
    this.#firstTokenSeen++;
    keep(this.#firstToken, ms, this.#firstTokenSeen);
  }

  betweenTokens(ms: number): void {
    this.#betweenTokensSeen++;
    keep(this.#betweenTokens, ms, this.#betweenTokensSeen);
  }

  finished(outcome: RequestOutcomeName): void {
    this.outcomes[outcome] = (this.outcomes[outcome] ?? 0) + 1;
  }

  toPoint(t: number, bucketMs: number, gauges: GaugeSample): MetricsPoint {
    const seconds = bucketMs / 1000;
    const perSecond = (count: number) => Math.round((count / seconds) * 1000) / 1000;
    return {
      t,
      generated_tokens_per_second: perSecond(this.generated),
      prompt_tokens_per_second: perSecond(this.prompt),
      requests_per_second: Object.fromEntries(
        Object.entries(this.outcomes).map(([outcome, count]) => [outcome, perSecond(count)]),
      ),
      time_to_first_token_ms: percentiles(this.#firstToken),
      inter_token_ms: percentiles(this.#betweenTokens),
      buffered_requests: gauges.buffered,
      slots_in_use: gauges.inUse,
      slots_total: gauges.total,
    };
  }
}

/** Algorithm R: every sample seen so far has the same chance to be among those kept. */
function keep(samples: number[], value: number, seen: number): void {
  if (samples.length < MAX_SAMPLES) {
    samples.push(value);
    return;
  }
  const index = Math.floor(Math.random() * seen);
  if (index < MAX_SAMPLES) samples[index] = value;
}

export interface BackoffOptions {
  /** First delay after a drop, in ms. Default 250. */
  initialDelayMs?: number;
  /** Upper bound for the delay, in ms. Default 10_000. */
  maxDelayMs?: number;
}

/** Exponential backoff with full jitter: attempt 0 → up to `initialDelayMs`, doubling to `maxDelayMs`. */
export function backoffDelay(
  attempt: number,
  { initialDelayMs = 250, maxDelayMs = 10_000 }: BackoffOptions = {},
) {
  const ceiling = Math.min(maxDelayMs, initialDelayMs * 2 ** Math.min(attempt, 30));
  return ceiling / 2 + (Math.random() * ceiling) / 2;
}

/** p50 and p95 of the samples (nearest rank), or null when there are none. */
export function percentiles(samples: readonly number[]): { p50: number; p95: number } | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  return { p50: round(at(0.5)), p95: round(at(0.95)) };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

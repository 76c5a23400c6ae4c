import type {
  MaxRateRow,
  OpenLoopRow,
  OverheadResult,
  TargetName,
  Variant,
} from "../benches/overhead-bench.js";

/** One open-loop row of the overhead bench. */
export function row(
  overhead: OverheadResult,
  target: TargetName,
  variant: Variant,
  rate: number,
): OpenLoopRow | undefined {
  return overhead.openLoop.find(
    (entry) => entry.target === target && entry.variant === variant && entry.rate === rate,
  );
}
export function maxRate(
  overhead: OverheadResult,
  target: TargetName,
  variant: Variant,
): MaxRateRow | undefined {
  return overhead.maxRate.find((entry) => entry.target === target && entry.variant === variant);
}
/** The CPU of the proxy process itself (nginx, or the balancer), not of the backend behind it. */
export function proxyCpu(entry: { target: TargetName; cpuUsPerRequest: Record<string, number> } | undefined) {
  if (!entry) return Number.NaN;
  return entry.cpuUsPerRequest[entry.target === "direct" ? "direct" : entry.target] ?? Number.NaN;
}

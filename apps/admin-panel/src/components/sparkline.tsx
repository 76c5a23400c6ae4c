export interface SparklineProps {
  values: readonly number[];
  /** The top of the scale; the largest value (at least 1) by default. */
  max?: number | undefined;
  /** What the line measures, for screen readers and the title. */
  label: string;
  width?: number;
  height?: number;
}

/** A tiny inline SVG line chart; the newest value is at the right. */
export function Sparkline({ values, max, label, width = 240, height = 48 }: SparklineProps) {
  const top = Math.max(max ?? 0, ...values, 1);
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const points = values
    .map(
      (value, index) =>
        `${(index * step).toFixed(1)},${(height - (value / top) * (height - 2) - 1).toFixed(1)}`,
    )
    .join(" ");
  const last = values.at(-1);
  return (
    <svg
      className="sparkline"
      viewBox={`0 0 ${width} ${height}`}
      preserveAspectRatio="none"
      role="img"
      aria-label={`${label}: ${last === undefined ? "no data yet" : `now ${formatValue(last)}, peak ${formatValue(Math.max(...values))}`}`}
    >
      <title>{label}</title>
      {values.length > 1 ? (
        <>
          <polygon className="sparkline-area" points={`0,${height} ${points} ${width},${height}`} />
          <polyline className="sparkline-line" points={points} />
        </>
      ) : null}
    </svg>
  );
}

export function formatValue(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

export interface ChartSeries {
  name: string;
  /** [time ms, value] pairs; null values leave a gap. */
  points: ReadonlyArray<readonly [number, number | null]>;
  className: string;
}

export interface LineChartProps {
  title: string;
  /** e.g. "tokens/s", "ms". */
  unit: string;
  series: readonly ChartSeries[];
  /** The time range drawn: [from, to] in ms. */
  range: readonly [number, number];
  /** At least this top value (e.g. the slots total). */
  minMax?: number;
  formatValue?: (value: number) => string;
}

const width = 320;
const height = 140;
const margin = { left: 44, right: 8, top: 8, bottom: 22 };

const defaultFormat = (value: number) =>
  value >= 100
    ? value.toFixed(0)
    : value >= 10
      ? value.toFixed(1)
      : value.toFixed(2).replace(/\.?0+$/, "") || "0";

function timeLabel(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
}

/** A small SVG line chart with a value axis (with its unit) and a time axis. */
export function LineChart({
  title,
  unit,
  series,
  range,
  minMax = 0,
  formatValue = defaultFormat,
}: LineChartProps) {
  const [from, to] = range;
  const values = series.flatMap((line) => line.points.map(([, value]) => value ?? 0));
  const top = Math.max(minMax, ...values, 0) || 1;
  const x = (t: number) =>
    margin.left + ((t - from) / Math.max(1, to - from)) * (width - margin.left - margin.right);
  const y = (value: number) => margin.top + (1 - value / top) * (height - margin.top - margin.bottom);
  const path = (points: ChartSeries["points"]) => {
    let d = "";
    let pen = false;
    for (const [t, value] of points) {
      if (t < from || value === null) {
        pen = false;
        continue;
      }
      d += `${pen ? "L" : "M"}${x(t).toFixed(1)},${y(value).toFixed(1)}`;
      pen = true;
    }
    return d;
  };
  const latest = series.map((line) => ({ name: line.name, value: line.points.at(-1)?.[1] ?? null }));
  return (
    <figure className="chart" data-testid={`chart-${title}`}>
      <figcaption>
        <span className="chart-title">
          {title} <span className="muted small">({unit})</span>
        </span>
        <span className="chart-value">
          {latest.map((line, index) => (
            <span key={line.name}>
              {index > 0 ? " · " : ""}
              {series.length > 1 ? `${line.name} ` : ""}
              {line.value === null ? "–" : formatValue(line.value)}
            </span>
          ))}
        </span>
      </figcaption>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-label={`${title} in ${unit}, ${timeLabel(from)} to ${timeLabel(to)}`}
      >
        <line
          className="axis"
          x1={margin.left}
          y1={margin.top}
          x2={margin.left}
          y2={height - margin.bottom}
        />
        <line
          className="axis"
          x1={margin.left}
          y1={height - margin.bottom}
          x2={width - margin.right}
          y2={height - margin.bottom}
        />
        <line className="grid" x1={margin.left} y1={y(top / 2)} x2={width - margin.right} y2={y(top / 2)} />
        <text className="tick" x={margin.left - 4} y={y(top) + 4} textAnchor="end">
          {formatValue(top)}
        </text>
        <text className="tick" x={margin.left - 4} y={y(top / 2) + 4} textAnchor="end">
          {formatValue(top / 2)}
        </text>
        <text className="tick" x={margin.left - 4} y={y(0)} textAnchor="end">
          0
        </text>
        <text className="tick" x={margin.left} y={height - 6} textAnchor="start">
          {timeLabel(from)}
        </text>
        <text className="tick" x={width - margin.right} y={height - 6} textAnchor="end">
          {timeLabel(to)}
        </text>
        {series.map((line) => (
          <path key={line.name} className={`line ${line.className}`} d={path(line.points)} fill="none" />
        ))}
      </svg>
      {series.length > 1 ? (
        <p className="chart-note">
          {series.map((line) => (
            <span key={line.name} className={`legend ${line.className}`}>
              {line.name}
            </span>
          ))}
        </p>
      ) : null}
    </figure>
  );
}

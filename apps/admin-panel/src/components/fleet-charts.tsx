import type { MetricsPoint } from "@paddler/client";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { usePanel } from "../config/panel-context.js";
import { useNow } from "../live/use-now.js";
import { metricsHistoryQueryOptions } from "../queries/metrics-history.js";
import { LineChart } from "./line-chart.js";

const ranges = [
  ["5 min", 5 * 60_000],
  ["15 min", 15 * 60_000],
  ["1 h", 60 * 60_000],
] as const;

const errorOutcomes = [
  "agent_error",
  "agent_disconnected",
  "item_timeout",
  "buffer_overflow",
  "buffer_timeout",
  "error",
] as const;

/**
 * The fleet's metrics as the balancer measured them (its own history, so the charts are full
 * from the moment the page opens): throughput, requests, latency, slots and buffer. `points`
 * may be one pool's or one agent's series; the fleet's by default.
 */
export function FleetCharts({
  points: given,
  heading = "Fleet metrics",
}: {
  points?: readonly MetricsPoint[];
  heading?: string;
}) {
  const { client } = usePanel();
  const history = useQuery(metricsHistoryQueryOptions(client));
  const [rangeMs, setRangeMs] = useState<number>(ranges[0][1]);
  const now = useNow(5000);
  const points = given ?? history.data?.fleet ?? [];
  const bucketMs = history.data?.bucket_ms ?? 5000;
  const range = [now - rangeMs, now] as const;
  const shown = points.filter((point) => point.t >= range[0] - bucketMs);
  // A point stands for its bucket; draw it at the bucket's end.
  const at = (point: MetricsPoint) => point.t + bucketMs;
  const line = (pick: (point: MetricsPoint) => number | null) =>
    shown.map((point) => [at(point), pick(point)] as const);
  const sumOf = (point: MetricsPoint, outcomes: readonly string[]) =>
    outcomes.reduce(
      (sum, outcome) =>
        sum + (point.requests_per_second[outcome as keyof typeof point.requests_per_second] ?? 0),
      0,
    );
  const slotsTotal = Math.max(0, ...shown.map((point) => point.slots_total));
  return (
    <section className="charts" aria-labelledby="charts-heading" data-testid="fleet-charts">
      <div className="charts-header">
        <h2 id="charts-heading">{heading}</h2>
        <fieldset className="range-picker">
          <legend className="visually-hidden">Time range</legend>
          {ranges.map(([label, ms]) => (
            <label key={label}>
              <input
                type="radio"
                name="chart-range"
                checked={rangeMs === ms}
                onChange={() => setRangeMs(ms)}
              />{" "}
              {label}
            </label>
          ))}
        </fieldset>
      </div>
      {history.isError ? (
        <p className="error">Could not read the metrics history: {history.error.message}</p>
      ) : null}
      <p className="muted small">
        Measured by the balancer every {bucketMs / 1000} s; it keeps the last{" "}
        {Math.round((history.data?.retention_ms ?? 3_600_000) / 60_000)} minutes.
      </p>
      <div className="chart-grid">
        <LineChart
          title="Throughput"
          unit="tokens/s"
          range={range}
          series={[
            {
              name: "generated",
              className: "line-a",
              points: line((point) => point.generated_tokens_per_second),
            },
            { name: "prompt", className: "line-b", points: line((point) => point.prompt_tokens_per_second) },
          ]}
        />
        <LineChart
          title="Requests"
          unit="requests/s"
          range={range}
          series={[
            {
              name: "completed",
              className: "line-a",
              points: line((point) => point.requests_per_second.completed ?? 0),
            },
            { name: "failed", className: "line-error", points: line((point) => sumOf(point, errorOutcomes)) },
            {
              name: "cancelled",
              className: "line-b",
              points: line((point) => point.requests_per_second.cancelled ?? 0),
            },
          ]}
        />
        <LineChart
          title="Time to first token"
          unit="ms"
          range={range}
          series={[
            {
              name: "p50",
              className: "line-a",
              points: line((point) => point.time_to_first_token_ms?.p50 ?? null),
            },
            {
              name: "p95",
              className: "line-b",
              points: line((point) => point.time_to_first_token_ms?.p95 ?? null),
            },
          ]}
        />
        <LineChart
          title="Time between tokens"
          unit="ms"
          range={range}
          series={[
            { name: "p50", className: "line-a", points: line((point) => point.inter_token_ms?.p50 ?? null) },
            { name: "p95", className: "line-b", points: line((point) => point.inter_token_ms?.p95 ?? null) },
          ]}
        />
        <LineChart
          title="Slots in use"
          unit="slots"
          range={range}
          minMax={slotsTotal}
          formatValue={(value) => value.toFixed(0)}
          series={[
            { name: "in use", className: "line-a", points: line((point) => point.slots_in_use) },
            { name: "total", className: "line-b", points: line((point) => point.slots_total) },
          ]}
        />
        <LineChart
          title="Buffered requests"
          unit="requests"
          range={range}
          minMax={1}
          formatValue={(value) => value.toFixed(0)}
          series={[
            { name: "buffered", className: "line-a", points: line((point) => point.buffered_requests) },
          ]}
        />
      </div>
    </section>
  );
}

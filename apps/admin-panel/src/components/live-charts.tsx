import { useMetricsSamples } from "../live/metrics-history-context.js";
import { formatValue, Sparkline } from "./sparkline.js";

interface ChartProps {
  title: string;
  note: string;
  values: readonly number[];
  current: string;
  max?: number | undefined;
}

function Chart({ title, note, values, current, max }: ChartProps) {
  return (
    <figure className="chart">
      <figcaption>
        <span className="chart-title">{title}</span>
        <span className="chart-value">{current}</span>
      </figcaption>
      <Sparkline values={values} max={max} label={title} />
      <p className="chart-note">{note}</p>
    </figure>
  );
}

/** The last five minutes, sampled once a second while this tab is open. */
export function LiveCharts({ maxBufferedRequests }: { maxBufferedRequests: number }) {
  const samples = useMetricsSamples();
  const last = samples.at(-1);
  const slotsTotal = Math.max(0, ...samples.map((sample) => sample.slotsTotal));
  return (
    <section className="charts" aria-labelledby="charts-heading">
      <h2 id="charts-heading">Last 5 minutes</h2>
      <div className="chart-grid">
        <Chart
          title="Slots in use"
          note="All agents, sampled each second from the agents stream"
          values={samples.map((sample) => sample.slotsProcessing)}
          max={slotsTotal}
          current={last ? `${last.slotsProcessing} of ${last.slotsTotal}` : "–"}
        />
        <Chart
          title="Buffered requests"
          note="Waiting for a free slot, sampled each second"
          values={samples.map((sample) => sample.bufferedRequests)}
          max={Math.min(
            maxBufferedRequests,
            Math.max(1, ...samples.map((sample) => sample.bufferedRequests)),
          )}
          current={last ? `${last.bufferedRequests} of ${maxBufferedRequests}` : "–"}
        />
        <Chart
          title="Tokens per second"
          note="Only what this browser's prompt tester received; the balancer does not report throughput"
          values={samples.map((sample) => sample.promptTokensPerSecond)}
          current={last ? formatValue(last.promptTokensPerSecond) : "–"}
        />
      </div>
    </section>
  );
}

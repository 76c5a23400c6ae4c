import type { AgentStatus } from "@paddler/agent";
import type { Logger } from "@paddler/logger";
import cliProgress from "cli-progress";

export interface DownloadProgressReporterOptions {
  status: AgentStatus;
  logger: Logger;
  /** A terminal gets a live bar; anything else gets a log line every quarter. */
  stream: NodeJS.WriteStream;
}

/**
 * Shows the agent's model download while it runs: a progress bar on a terminal, otherwise log
 * lines at 0, 25, 50, 75 and 100 %. Returns the unsubscribe function.
 */
export function reportDownloadProgress({
  status,
  logger,
  stream,
}: DownloadProgressReporterOptions): () => void {
  let bar: cliProgress.SingleBar | null = null;
  let lastQuarter = -1;
  let filename: string | null = null;
  const finish = () => {
    if (bar) {
      bar.stop();
      bar = null;
    }
    if (filename !== null) logger.info("model downloaded", { filename });
    filename = null;
    lastQuarter = -1;
  };
  const onChange = () => {
    const { download_current: current, download_total: total, download_filename: name } = status.fields;
    if (name === null || (total === 0 && current === 0)) {
      if (filename !== null) finish();
      return;
    }
    if (filename === null) {
      filename = name;
      logger.info("downloading the model", { filename: name, bytes: total || "unknown" });
    }
    if (stream.isTTY) {
      if (bar === null) {
        bar = new cliProgress.SingleBar(
          {
            stream,
            format: `${name} [{bar}] {percentage}% {value_mb}/{total_mb} MB {speed}`,
            hideCursor: true,
            clearOnComplete: false,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(total || current, current, payload(current, total, 0));
      }
      bar.setTotal(total || current);
      bar.update(current, payload(current, total, bar.getProgress()));
      return;
    }
    if (total > 0) {
      const quarter = Math.floor((current / total) * 4);
      if (quarter > lastQuarter) {
        lastQuarter = quarter;
        logger.info("downloading the model", {
          filename: name,
          percent: quarter * 25,
          current,
          total,
        });
      }
    }
  };
  let started = Date.now();
  const payload = (current: number, total: number, _progress: number) => {
    const seconds = Math.max(0.001, (Date.now() - started) / 1000);
    return {
      value_mb: (current / 1e6).toFixed(1),
      total_mb: total > 0 ? (total / 1e6).toFixed(1) : "?",
      speed: `${(current / 1e6 / seconds).toFixed(1)} MB/s`,
    };
  };
  started = Date.now();
  const unsubscribe = status.subscribe(onChange);
  return () => {
    unsubscribe();
    if (bar) bar.stop();
  };
}

import type { AgentControllerSnapshot } from "@paddler/client";
import { fileName } from "./agent-state.js";

const mebibytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** The running download: a determinate bar with bytes, or an indeterminate one. */
export function DownloadProgress({ agent }: { agent: AgentControllerSnapshot }) {
  const name = agent.download_filename ? fileName(agent.download_filename) : "model";
  if (agent.download_indeterminate || agent.download_total === 0) {
    return (
      <div className="download">
        <span>Downloading {name}…</span>
        <progress aria-label={`Downloading ${name}`} />
      </div>
    );
  }
  return (
    <div className="download">
      <span>
        Downloading {name}: {mebibytes(agent.download_current)} of {mebibytes(agent.download_total)}
      </span>
      <progress
        aria-label={`Downloading ${name}`}
        value={agent.download_current}
        max={agent.download_total}
      />
    </div>
  );
}

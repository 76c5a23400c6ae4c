import { execFile } from "node:child_process";
import type { AgentDevice } from "@paddler/protocol";

/** The fields asked of nvidia-smi, in the order its CSV answers them. */
export const NVIDIA_SMI_ARGS = [
  "--query-gpu=index,name,memory.used,memory.total,utilization.gpu",
  "--format=csv,noheader,nounits",
] as const;

const MIB = 1024 * 1024;

/** A number nvidia-smi printed, or null for its "[N/A]" / "[Not Supported]" markers and junk. */
function numberOrNull(text: string | undefined): number | null {
  if (text === undefined) return null;
  const trimmed = text.trim();
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return null;
  return Number(trimmed);
}

/**
 * Reads `nvidia-smi --query-gpu=… --format=csv,noheader,nounits` output: one GPU a line, memory in
 * MiB, utilisation in percent. A GPU's name may hold commas, so the numbers are read from the
 * line's end. Lines that do not read as a GPU are skipped rather than guessed at.
 */
export function parseNvidiaSmiCsv(text: string): AgentDevice[] {
  const devices: AgentDevice[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === "") continue;
    const cells = line.split(",");
    if (cells.length < 5) continue;
    const utilization = numberOrNull(cells.at(-1));
    const total = numberOrNull(cells.at(-2));
    const used = numberOrNull(cells.at(-3));
    const name = cells.slice(1, -3).join(",").trim();
    if (numberOrNull(cells[0]) === null || name === "" || total === null) continue;
    devices.push({
      name,
      memory_used_bytes: Math.round((used ?? 0) * MIB),
      memory_total_bytes: Math.round(total * MIB),
      utilization_percent: utilization === null ? null : Math.min(100, utilization),
    });
  }
  return devices;
}

/** The GPUs nvidia-smi lists now, or null when it is absent or did not answer in time. */
export type NvidiaSmiQuery = () => Promise<AgentDevice[] | null>;

/**
 * Asks nvidia-smi for the GPUs' load. A machine without it (ENOENT) is remembered, so the agent
 * does not spawn a missing program every few seconds; a slow or failing run is retried next time.
 */
export function createNvidiaSmiQuery({
  binary = "nvidia-smi",
  timeoutMs = 2000,
}: {
  binary?: string;
  timeoutMs?: number;
} = {}): NvidiaSmiQuery {
  let absent = false;
  return () => {
    if (absent) return Promise.resolve(null);
    return new Promise((resolve) => {
      execFile(
        binary,
        NVIDIA_SMI_ARGS,
        { timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: 256 * 1024, windowsHide: true },
        (error, stdout) => {
          if (error) {
            if ((error as NodeJS.ErrnoException).code === "ENOENT") absent = true;
            resolve(null);
            return;
          }
          resolve(parseNvidiaSmiCsv(stdout));
        },
      );
    });
  };
}

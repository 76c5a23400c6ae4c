import { availableParallelism, cpus, freemem, totalmem } from "node:os";
import type { AgentDevice } from "@paddler/protocol";

/** The CPU with system memory; utilisation is this process's share of all cores since the last sample. */
export type CpuDeviceSampler = () => AgentDevice;

/**
 * The CPU as a compute device. Memory is the machine's RAM (used = total − free); utilisation is
 * the agent process's CPU time over the wall time since the previous sample, across all cores
 * (llama.cpp's threads run inside this process), null on the first sample.
 */
export function createCpuDeviceSampler({
  now = () => performance.now(),
  cpuUsage = (previous?: NodeJS.CpuUsage) => process.cpuUsage(previous),
  cores = availableParallelism(),
}: {
  now?: () => number;
  cpuUsage?: (previous?: NodeJS.CpuUsage) => NodeJS.CpuUsage;
  cores?: number;
} = {}): CpuDeviceSampler {
  const model = cpus()[0]?.model.trim() || "CPU";
  const name = `${model} (${cores} ${cores === 1 ? "core" : "cores"})`;
  let previous: { at: number; usage: NodeJS.CpuUsage } | null = null;
  return () => {
    const at = now();
    const usage = cpuUsage();
    let utilization: number | null = null;
    if (previous !== null && at > previous.at) {
      const busyMicros = usage.user - previous.usage.user + (usage.system - previous.usage.system);
      const wallMicros = (at - previous.at) * 1000 * Math.max(1, cores);
      utilization = Math.min(100, Math.max(0, Math.round((busyMicros / wallMicros) * 1000) / 10));
    }
    previous = { at, usage };
    const total = totalmem();
    return {
      name,
      memory_used_bytes: Math.max(0, total - freemem()),
      memory_total_bytes: total,
      utilization_percent: utilization,
    };
  };
}

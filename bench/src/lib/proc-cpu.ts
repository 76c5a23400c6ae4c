import { readFileSync } from "node:fs";

const clockTicksPerSecond = 100; // USER_HZ on Linux; /proc reports utime/stime in these ticks.

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
      .split(" ")
      .filter((part) => part.trim() !== "")
      .map(Number);
  } catch {
    return [];
  }
}

function ownCpuTicks(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may hold spaces and parentheses; fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // After the name: state(0) ... utime is field 14 of the file, i.e. index 11 here; stime 12.
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/**
 * CPU time (user + system, µs) of a process and its descendants, from /proc. Descendants count
 * because nginx's worker and any wrapper process do the work under the pid we spawned.
 */
export function processTreeCpuMicros(pid: number): number {
  let ticks = 0;
  const pending = [pid];
  while (pending.length > 0) {
    const next = pending.pop() as number;
    ticks += ownCpuTicks(next);
    pending.push(...childrenOf(next));
  }
  return (ticks * 1_000_000) / clockTicksPerSecond;
}

/** Resident set size of one process in bytes, from /proc/<pid>/status. */
export function processRssBytes(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { repoRoot } from "./test-model.js";

export interface AgentProcess {
  readonly id: string;
  readonly child: ChildProcess;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
  kill(signal: NodeJS.Signals): void;
}

/** Starts a real agent as a child process (tsx from source), identified by a fixed id. */
export function spawnAgentProcess(options: {
  managementAddress: string;
  slots: number;
  name: string;
  id: string;
  cacheDir?: string;
  drainTimeoutMs?: number;
  /** Opens an IPC channel (see `askSlots`). */
  ipc?: boolean;
}): AgentProcess {
  const entry = resolve(repoRoot, "packages/e2e/src/fixtures/agent-process-entry.ts");
  const child = spawn(
    process.execPath,
    [
      // Lets a test collect the agent's garbage at a moment it chooses (see `collectAgentGarbage`).
      "--expose-gc",
      "--import",
      "tsx",
      "--conditions=@paddler/source",
      entry,
      options.managementAddress,
      String(options.slots),
      options.name,
      options.id,
      options.cacheDir ?? "/tmp",
      String(options.drainTimeoutMs ?? 30_000),
    ],
    {
      cwd: repoRoot,
      stdio: options.ipc ? ["ignore", "inherit", "inherit", "ipc"] : ["ignore", "inherit", "inherit"],
    },
  );
  const exited = new Promise<void>((done) => child.once("exit", () => done()));
  return { id: options.id, child, exited, kill: (signal) => child.kill(signal) };
}

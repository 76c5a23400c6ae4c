import { type ChildProcess, fork } from "node:child_process";
import { once } from "node:events";
import { repoRoot } from "./repo-paths.js";
import { packageSource } from "./workspace-build.js";

export interface SpawnedEntry<Ready> {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly ready: Ready;
  /** Sends a request over IPC and waits for the reply of the same `type`. */
  ask<Reply>(message: { type: string } & Record<string, unknown>): Promise<Reply>;
  stop(): Promise<void>;
}

export interface SpawnEntryOptions {
  /** Absolute path of a TypeScript entry that sends `{ type: "ready", ... }` over IPC. */
  file: string;
  args?: readonly string[];
  /** Extra node flags, e.g. `--expose-gc`. */
  nodeFlags?: readonly string[];
  readyTimeoutMs?: number;
  /** Working directory (the checkout whose tsx and workspace packages load); the repo by default. */
  cwd?: string;
}

/**
 * Starts a bench entry as its own node process (tsx as an import hook, not the tsx CLI, so the
 * pid we get is the process doing the work and /proc CPU figures are its own). The entry itself is
 * TypeScript loaded by tsx; the `@paddler/*` packages it imports resolve to their tsc output
 * (`dist/`, as in the Docker images) unless the bench runs with `--source` (workspace-build.ts).
 */
export async function spawnEntry<Ready>({
  file,
  args = [],
  nodeFlags = [],
  readyTimeoutMs = 120_000,
  cwd = repoRoot,
}: SpawnEntryOptions): Promise<SpawnedEntry<Ready>> {
  const child = fork(file, [...args], {
    cwd,
    execArgv: [
      "--import",
      "tsx",
      ...(packageSource() === "source" ? ["--conditions=@paddler/source"] : []),
      ...nodeFlags,
    ],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${file} was not ready in ${readyTimeoutMs} ms`)),
      readyTimeoutMs,
    );
    child.on("message", (message: { type?: string }) => {
      if (message.type === "ready") {
        clearTimeout(timer);
        resolve(message as Ready);
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited with ${code} before it was ready`));
    });
  });
  const pid = child.pid ?? -1;
  return {
    child,
    pid,
    ready,
    ask: <Reply>(message: { type: string } & Record<string, unknown>) =>
      new Promise<Reply>((resolve) => {
        const onMessage = (reply: { type?: string }) => {
          if (reply.type !== message.type) return;
          child.off("message", onMessage);
          resolve(reply as Reply);
        };
        child.on("message", onMessage);
        child.send(message);
      }),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

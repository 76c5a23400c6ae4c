import { type ChildProcess, spawn } from "node:child_process";
import { resolve } from "node:path";
import { repoRoot } from "../test-model.js";

export interface CliProcess {
  readonly child: ChildProcess;
  /** Every JSON log line so far (stderr). */
  readonly logs: Record<string, unknown>[];
  /** The exit code (or the signal's name) once the process has ended. */
  readonly exited: Promise<number | string>;
  waitForLog(
    predicate: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  signal(signal: NodeJS.Signals): void;
}

/** Runs `paddler <args>` from source, as a user would: `node --conditions=@paddler/source --import tsx apps/cli/src/main.ts`. */
export function spawnPaddler(args: string[], env: Record<string, string> = {}): CliProcess {
  const child = spawn(
    process.execPath,
    ["--conditions=@paddler/source", "--import", "tsx", resolve(repoRoot, "apps/cli/src/main.ts"), ...args],
    { cwd: repoRoot, stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, ...env } },
  );
  const logs: Record<string, unknown>[] = [];
  const listeners = new Set<() => void>();
  let pending = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      try {
        logs.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        logs.push({ msg: line });
      }
    }
    for (const listener of listeners) listener();
  });
  const exited = new Promise<number | string>((done) =>
    child.once("exit", (code, signal) => done(code ?? signal ?? "unknown")),
  );
  return {
    child,
    logs,
    exited,
    signal: (signal) => child.kill(signal),
    waitForLog: (predicate, timeoutMs = 60_000) =>
      new Promise((resolveLine, reject) => {
        const check = () => {
          const line = logs.find(predicate);
          if (!line) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolveLine(line);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no such log line; got ${JSON.stringify(logs.slice(-5))}`));
        }, timeoutMs);
        listeners.add(check);
        void exited.then(() => setTimeout(check, 0));
        check();
      }),
  };
}

/** Starts `paddler balancer` on free ports and reads the bound addresses from its start-up log. */
export async function spawnBalancer(args: string[] = []) {
  const balancer = spawnPaddler([
    "balancer",
    "--inference-addr=127.0.0.1:0",
    "--management-addr=127.0.0.1:0",
    "--log-level=info",
    ...args,
  ]);
  const started = await balancer.waitForLog((line) => line.msg === "balancer started");
  const addresses = started.addresses as Record<string, string>;
  return {
    process: balancer,
    managementAddress: addresses.management ?? "",
    inferenceUrl: `http://${addresses.inference}`,
    managementUrl: `http://${addresses.management}`,
  };
}

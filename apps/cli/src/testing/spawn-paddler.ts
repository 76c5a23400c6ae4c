import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const repositoryRoot = fileURLToPath(new URL("../../../../", import.meta.url));
const mainScript = fileURLToPath(new URL("../main.ts", import.meta.url));

export interface PaddlerProcess {
  readonly child: ChildProcess;
  /** stderr lines so far, raw. */
  readonly lines: string[];
  /** stderr lines that are JSON, parsed. */
  readonly records: Array<Record<string, unknown>>;
  stdout(): string;
  /** Resolves with the first stderr line matching, waiting for it as long as it takes (or the timeout). */
  waitForLine(predicate: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  readonly exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

/** Runs `paddler <args>` from source as `pnpm paddler` does (tsx), with logs not on a terminal. */
export function spawnPaddler(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): PaddlerProcess {
  const child = spawn(
    process.execPath,
    ["--conditions=@paddler/source", "--import", "tsx", mainScript, ...args],
    {
      cwd: options.cwd ?? repositoryRoot,
      env: { ...process.env, PADDLER_LOG_LEVEL: "", PADDLER_LOG_FORMAT: "", ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const lines: string[] = [];
  const records: Array<Record<string, unknown>> = [];
  const listeners = new Set<() => void>();
  let stdout = "";
  let pending = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    pending += chunk.toString();
    const complete = pending.split("\n");
    pending = complete.pop() ?? "";
    for (const line of complete) {
      lines.push(line);
      try {
        records.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // a line that is not JSON (pretty format, or the CLI's own message)
      }
    }
    for (const listener of listeners) listener();
  });
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  return {
    child,
    lines,
    records,
    stdout: () => stdout,
    exited,
    waitForLine: (predicate, timeoutMs = 90_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const line = lines.find(predicate);
          if (line === undefined) return;
          listeners.delete(check);
          clearTimeout(timer);
          resolve(line);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`no matching line in time; stderr so far:\n${lines.join("\n")}`));
        }, timeoutMs);
        listeners.add(check);
        check();
        void exited.then(() => {
          if (listeners.has(check)) {
            listeners.delete(check);
            clearTimeout(timer);
            reject(new Error(`paddler exited first; stderr:\n${lines.join("\n")}`));
          }
        });
      }),
    stop: async () => {
      if (child.exitCode === null) child.kill("SIGTERM");
      return exited;
    },
  };
}

import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";

/*
 * Runs the command and ties its life to this shell's stdin, a pipe only the agent holds: a line on
 * it asks the command to stop (SIGTERM); end of file means the agent is gone (even killed with
 * SIGKILL, which no handler in the agent can see) and the command is killed at once. The shell
 * exits with the command, so the agent sees the exit.
 */
const watchdog = `
exec 3<&0
"$@" </dev/null 3<&- &
child=$!
(
  while read -r _ <&3; do kill -TERM "$child" 2>/dev/null; done
  kill -KILL "$child" 2>/dev/null
) </dev/null &
watcher=$!
wait "$child"
status=$?
kill "$watcher" 2>/dev/null
exit "$status"
`;

export interface WatchedProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** Resolves with the exit code (or signal) once the command and its watchdog are gone. */
  readonly exited: Promise<string>;
  /** Asks the command to stop (SIGTERM), then kills it after `graceMs`. */
  stop(graceMs: number): Promise<string>;
}

/** Starts `command args…` so that it never outlives the agent, however the agent ends. */
export function spawnWatched(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): WatchedProcess {
  const child = spawn("/bin/sh", ["-c", watchdog, "paddler-watchdog", command, ...args], {
    stdio: ["pipe", "pipe", "pipe"],
    env,
  });
  const exited = new Promise<string>((resolve) => {
    child.once("exit", (code, signal) => resolve(signal ?? `exit code ${code}`));
    child.once("error", (error) => resolve(`failed to start: ${error.message}`));
  });
  // A write after the shell is gone must not crash the agent.
  child.stdin.on("error", () => {});
  return {
    child,
    exited,
    async stop(graceMs) {
      if (child.exitCode === null && child.signalCode === null) child.stdin.write("stop\n");
      const timer = setTimeout(() => child.stdin.end(), graceMs);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

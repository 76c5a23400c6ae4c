import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

export interface WrkOptions {
  executable: string;
  url: string;
  body: string;
  connections: number;
  durationS: number;
}

export interface WrkResult {
  requestsPerSecond: number;
  requests: number;
  /** Non-2xx responses plus socket errors, as wrk reports them. */
  errors: number;
}

/** Runs wrk with one thread (the machine has two cores and the target needs the other). */
export async function runWrk({
  executable,
  url,
  body,
  connections,
  durationS,
}: WrkOptions): Promise<WrkResult> {
  const script = join(tmpdir(), `paddler-bench-wrk-${process.pid}.lua`);
  await writeFile(
    script,
    `wrk.method = "POST"\nwrk.body = ${JSON.stringify(body)}\nwrk.headers["Content-Type"] = "application/json"\n`,
  );
  const { stdout } = await promisify(execFile)(executable, [
    "-t1",
    `-c${connections}`,
    `-d${durationS}s`,
    "--timeout",
    "10s",
    "-s",
    script,
    url,
  ]);
  const number = (pattern: RegExp) => Number(pattern.exec(stdout)?.[1] ?? 0);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  return {
    requestsPerSecond: number(/Requests\/sec:\s+([\d.]+)/),
    requests: number(/(\d+) requests in/),
    errors:
      number(/Non-2xx or 3xx responses: (\d+)/) +
      (socketErrors ? socketErrors.slice(1).reduce((sum, value) => sum + Number(value), 0) : 0),
  };
}

import { spawn } from "node:child_process";
import { mkdtemp, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { spawnWatched } from "./spawn-watched.js";

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, "../../../../..");

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 20));
  }
}

async function pidFrom(file: string): Promise<number> {
  let pid = 0;
  await until(async () => {
    pid = Number((await readFile(file, "utf8").catch(() => "")).trim());
    return pid > 0;
  }, "the command to write its pid");
  return pid;
}

describe("spawnWatched", () => {
  it("stops the command on request and reports its exit", async () => {
    const dir = await mkdtemp(join(tmpdir(), "paddler-watch-"));
    const pidFile = join(dir, "pid");
    const watched = spawnWatched("/bin/sh", ["-c", `echo $$ > ${pidFile}; exec sleep 1000`]);
    const pid = await pidFrom(pidFile);
    expect(alive(pid)).toBe(true);
    await watched.stop(5000);
    expect(alive(pid)).toBe(false);
  });

  it("kills the command when the process that started it is killed with SIGKILL", async () => {
    const dir = await mkdtemp(join(tmpdir(), "paddler-watch-"));
    const pidFile = join(dir, "pid");
    // A parent process of its own that starts the command and then is SIGKILLed: no handler runs.
    const parentScript = `
      const { spawnWatched } = await import(${JSON.stringify(join(here, "spawn-watched.ts"))});
      spawnWatched("/bin/sh", ["-c", ${JSON.stringify(`echo $$ > ${pidFile}; exec sleep 1000`)}]);
      setInterval(() => {}, 1000);
    `;
    const parent = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", parentScript], {
      cwd: repoRoot,
      stdio: "ignore",
    });
    const parentExited = new Promise((done) => parent.once("exit", done));
    const pid = await pidFrom(pidFile);
    expect(alive(pid)).toBe(true);
    parent.kill("SIGKILL");
    await parentExited;
    await until(() => !alive(pid), "the orphaned command to be killed");
  });
});

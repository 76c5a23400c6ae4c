import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, stat, utimes, writeFile } from "node:fs/promises";
import { hostname, tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { acquireCacheLock } from "./cache-lock.js";

let dir: string;
let lockPath: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "paddler-cache-lock-"));
  lockPath = path.join(dir, "model.gguf.lock");
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The pid of a process that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", ""]);
  return child.pid ?? 0;
}

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

describe("acquireCacheLock", () => {
  it("is exclusive until released", async () => {
    const first = await acquireCacheLock({ lockPath });
    expect(first).not.toBeNull();
    expect(await acquireCacheLock({ lockPath })).toBeNull();
    await first?.release();
    expect(await exists(lockPath)).toBe(false);
    const second = await acquireCacheLock({ lockPath });
    expect(second).not.toBeNull();
    await second?.release();
  });

  it("takes over a lock whose owner on this host has exited", async () => {
    await writeFile(lockPath, JSON.stringify({ pid: deadPid(), hostname: hostname(), token: "old" }));
    const lock = await acquireCacheLock({ lockPath });
    expect(lock).not.toBeNull();
    expect(JSON.parse(await readFile(lockPath, "utf8")).pid).toBe(process.pid);
    await lock?.release();
  });

  it("respects a lock from another host until it goes stale", async () => {
    await writeFile(lockPath, JSON.stringify({ pid: 1, hostname: "elsewhere", token: "theirs" }));
    expect(await acquireCacheLock({ lockPath })).toBeNull();

    const elevenMinutesAgo = new Date(Date.now() - 11 * 60 * 1000);
    await utimes(lockPath, elevenMinutesAgo, elevenMinutesAgo);
    const lock = await acquireCacheLock({ lockPath });
    expect(lock).not.toBeNull();
    await lock?.release();
  });

  it("treats an unreadable but recent lock as busy", async () => {
    await writeFile(lockPath, "");
    expect(await acquireCacheLock({ lockPath })).toBeNull();
  });

  it("refresh keeps a long-held lock from looking stale", async () => {
    let now = Date.now();
    const lock = await acquireCacheLock({ lockPath, now: () => now });
    now += 9 * 60 * 1000;
    await lock?.refresh();
    expect(await acquireCacheLock({ lockPath, now: () => now + 5 * 60 * 1000 })).toBeNull();
    await lock?.release();
  });

  it("does not remove a lock that someone else has since taken over", async () => {
    const lock = await acquireCacheLock({ lockPath });
    await writeFile(lockPath, JSON.stringify({ pid: 1, hostname: "elsewhere", token: "theirs" }));
    await lock?.release();
    expect(JSON.parse(await readFile(lockPath, "utf8")).token).toBe("theirs");
  });
});

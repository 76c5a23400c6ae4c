import { randomUUID } from "node:crypto";
import { link, open, readFile, rename, stat, unlink, utimes } from "node:fs/promises";
import { hostname } from "node:os";
import { z } from "zod";

/** A held `.lock` file; `release()` removes it only while it is still ours. */
export interface CacheLock {
  readonly path: string;
  /** Bumps the lock's mtime so a long download is not mistaken for a stale lock. */
  refresh(): Promise<void>;
  release(): Promise<void>;
}

export interface AcquireCacheLockOptions {
  lockPath: string;
  /** A lock untouched for this long is taken over; holders refresh well within it. */
  staleAfterMs?: number;
  now?: () => number;
}

export const defaultLockStaleAfterMs = 10 * 60 * 1000;

const lockContentSchema = z.object({
  pid: z.number().int(),
  hostname: z.string(),
  token: z.string(),
});
type LockContent = z.infer<typeof lockContentSchema>;

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && "code" in error && error.code === code;
}

function processIsGone(pid: number): boolean {
  try {
    // Signal 0 checks existence only; EPERM means it exists under another user.
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return isErrno(error, "ESRCH");
  }
}

function parseLock(text: string): LockContent | undefined {
  try {
    const parsed = lockContentSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

async function readIfExists(filePath: string): Promise<{ text: string; mtimeMs: number } | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(filePath, "utf8"), stat(filePath)]);
    return { text, mtimeMs: info.mtimeMs };
  } catch (error) {
    if (isErrno(error, "ENOENT")) return undefined;
    throw error;
  }
}

function isStale(existing: { text: string; mtimeMs: number }, staleAfterMs: number, now: number): boolean {
  if (now - existing.mtimeMs > staleAfterMs) return true;
  const owner = parseLock(existing.text);
  // An unreadable lock may be one being written right now; only its age can condemn it.
  if (!owner) return false;
  // Pids mean nothing across hosts sharing a cache volume, nor for our own concurrent downloads.
  if (owner.hostname !== hostname() || owner.pid === process.pid) return false;
  return processIsGone(owner.pid);
}

async function tryCreate(lockPath: string, content: LockContent): Promise<boolean> {
  try {
    // O_EXCL: exactly one creator wins, also across processes.
    const handle = await open(lockPath, "wx");
    try {
      await handle.writeFile(JSON.stringify(content));
    } finally {
      await handle.close();
    }
    return true;
  } catch (error) {
    if (isErrno(error, "EEXIST")) return false;
    throw error;
  }
}

/**
 * Moves a stale lock out of the way. Renaming (rather than unlinking) lets us check that what we moved
 * is the lock we judged stale and not a fresh one another agent created in between; if it is not,
 * we put it back.
 */
async function removeStale(lockPath: string, judgedText: string): Promise<void> {
  const aside = `${lockPath}.stale-${randomUUID()}`;
  try {
    await rename(lockPath, aside);
  } catch (error) {
    if (isErrno(error, "ENOENT")) return;
    throw error;
  }
  const moved = await readFile(aside, "utf8");
  if (moved !== judgedText) {
    await link(aside, lockPath).catch(() => undefined);
  }
  await unlink(aside).catch(() => undefined);
}

/** Takes `lockPath` with an exclusive create, taking over a stale lock once; `null` when it is busy. */
export async function acquireCacheLock({
  lockPath,
  staleAfterMs = defaultLockStaleAfterMs,
  now = Date.now,
}: AcquireCacheLockOptions): Promise<CacheLock | null> {
  const content: LockContent = { pid: process.pid, hostname: hostname(), token: randomUUID() };
  let created = await tryCreate(lockPath, content);
  if (!created) {
    const existing = await readIfExists(lockPath);
    if (existing && !isStale(existing, staleAfterMs, now())) return null;
    if (existing) await removeStale(lockPath, existing.text);
    created = await tryCreate(lockPath, content);
  }
  if (!created) return null;

  let released = false;
  const stillOurs = async (): Promise<boolean> => {
    const current = await readIfExists(lockPath);
    return current !== undefined && parseLock(current.text)?.token === content.token;
  };
  return {
    path: lockPath,
    async refresh() {
      if (released) return;
      const at = new Date(now());
      await utimes(lockPath, at, at).catch(() => undefined);
    },
    async release() {
      if (released) return;
      released = true;
      if (await stillOurs()) await unlink(lockPath).catch(() => undefined);
    },
  };
}

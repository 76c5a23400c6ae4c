import { randomBytes } from "node:crypto";
import { open, rename, stat, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** Temp files are `.<name>.tmp-<random>` next to the target, so a rename never crosses filesystems. */
export function temporaryFilePrefix(path: string): string {
  return `.${basename(path)}.tmp-`;
}

/**
 * Replaces `path` so that a crash at any moment leaves either the old or the new content, never a
 * torn file: write a temp file in the same directory, fsync it, rename it over the target, then
 * fsync the directory so the rename itself survives a power loss. Keeps the target's permissions.
 */
export async function writeFileAtomically(path: string, content: string): Promise<void> {
  const directory = dirname(path);
  const temporaryPath = join(directory, `${temporaryFilePrefix(path)}${randomBytes(6).toString("hex")}`);
  const mode = await stat(path).then(
    (stats) => stats.mode & 0o777,
    () => 0o644,
  );
  const handle = await open(temporaryPath, "wx", mode);
  try {
    try {
      await handle.writeFile(content, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporaryPath, path);
  } catch (error) {
    await unlink(temporaryPath).catch(() => undefined);
    throw error;
  }
  const directoryHandle = await open(directory, "r");
  try {
    await directoryHandle.sync();
  } finally {
    await directoryHandle.close();
  }
}

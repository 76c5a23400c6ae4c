import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/** The absolute path of a program on PATH (plus the sbin folders nginx lives in), or null. */
export function findExecutable(name: string): string | null {
  const folders = [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/usr/local/sbin", "/sbin"];
  for (const folder of folders) {
    if (folder === "") continue;
    const candidate = join(folder, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this folder.
    }
  }
  return null;
}

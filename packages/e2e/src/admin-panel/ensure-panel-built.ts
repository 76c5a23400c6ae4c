import { execFile } from "node:child_process";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { repoRoot } from "../test-model.js";

const panelDir = join(repoRoot, "apps/admin-panel");
const watched = [join(panelDir, "src"), join(panelDir, "index.html"), join(panelDir, "vite.config.ts")];

async function newestMtime(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(path);
  const times = await Promise.all(entries.map((entry) => newestMtime(join(path, entry))));
  return Math.max(info.mtimeMs, ...times);
}

async function builtAt(): Promise<number | null> {
  try {
    return (await stat(join(panelDir, "dist/index.html"))).mtimeMs;
  } catch {
    return null;
  }
}

/** Builds the admin panel when dist is missing or older than its sources (the balancer serves dist). */
export async function ensurePanelBuilt(): Promise<void> {
  const built = await builtAt();
  const sources = Math.max(...(await Promise.all(watched.map(newestMtime))));
  if (built !== null && built >= sources) return;
  await promisify(execFile)("pnpm", ["--filter", "@paddler/admin-panel", "build"], {
    cwd: repoRoot,
    maxBuffer: 16 * 1024 * 1024,
  });
}

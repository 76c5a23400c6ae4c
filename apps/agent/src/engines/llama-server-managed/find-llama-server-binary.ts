import { createHash } from "node:crypto";
import { accessSync, constants, createReadStream, readdirSync } from "node:fs";
import { homedir } from "node:os";
import { join, resolve } from "node:path";

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function sha256Prefix(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex").slice(0, 16);
}

/**
 * The llama-server that scripts/build-llama-server.sh built for this checkout: the path in
 * `PADDLER_LLAMA_SERVER_BINARY` (CI exports it), else the script's cache entry for the llama.cpp
 * source node-llama-cpp ships; null when there is none (the script has not run here).
 */
export async function findLlamaServerBinary(
  repoRoot: string,
  env: Record<string, string | undefined> = process.env,
): Promise<string | null> {
  const fromEnv = env.PADDLER_LLAMA_SERVER_BINARY;
  if (fromEnv) return executable(fromEnv) ? resolve(fromEnv) : null;
  const store = join(repoRoot, "node_modules/.pnpm");
  let bundle: string | null = null;
  try {
    const entry = readdirSync(store).find((name) => name.startsWith("node-llama-cpp@"));
    if (entry) bundle = join(store, entry, "node_modules/node-llama-cpp/llama/gitRelease.bundle");
  } catch {
    return null;
  }
  if (!bundle) return null;
  let key: string;
  try {
    key = await sha256Prefix(bundle);
  } catch {
    return null;
  }
  const cacheRoot = env.PADDLER_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), ".cache"), "paddler");
  const binary = join(cacheRoot, "llama-server", key, "bin", "llama-server");
  return executable(binary) ? binary : null;
}

import path from "node:path";

/** Paddler's cache root: `$PADDLER_CACHE_DIR`, else `$XDG_CACHE_HOME/paddler`, else `~/.cache/paddler`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv, homedir: string): string {
  // An empty variable counts as unset, as it does for most XDG-aware tools.
  const explicit = env.PADDLER_CACHE_DIR;
  if (explicit) return path.resolve(explicit);
  const xdg = env.XDG_CACHE_HOME;
  if (xdg) return path.resolve(xdg, "paddler");
  return path.resolve(homedir, ".cache", "paddler");
}

import { distance } from "fastest-levenshtein";
import type { FlagDefinition } from "./flag-definition.js";

/**
 * The flag a mistyped name most likely meant (`slot` → `slots`), or null when none is close. A
 * name that is a prefix of exactly one flag counts too (`--inference` → `--inference-addr`).
 */
export function closestFlag(name: string, flags: readonly FlagDefinition[]): string | null {
  const prefixed = flags.filter((flag) => flag.name.startsWith(name));
  if (prefixed.length === 1 && prefixed[0]) return prefixed[0].name;
  let best: { name: string; distance: number } | null = null;
  for (const flag of flags) {
    const d = distance(name, flag.name);
    if (best === null || d < best.distance) best = { name: flag.name, distance: d };
  }
  // Up to a third of the name may differ (two edits at least, one for names of three letters): close enough to be a typo, far
  // enough not to guess wildly (`--foo` is not `--pool`).
  const allowed = name.length <= 3 ? 1 : Math.max(2, Math.floor(name.length / 3));
  if (best === null || best.distance > allowed) return null;
  return best.name;
}

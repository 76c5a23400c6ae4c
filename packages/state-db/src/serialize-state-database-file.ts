import { DEFAULT_MODEL_POOL, isDefaultFleetSettings, STATE_DATABASE_FILE_VERSION } from "@paddler/protocol";
import type { StoredState } from "./stored-state.js";

function sortKeys(_key: string, value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return value;
  }
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Pretty JSON with sorted keys, like Paddler's file, so hand diffs of the file stay small. The keys
 * beyond Paddler's (`model_pools`, `fleet_settings`) are written only when they hold something.
 */
export function serializeStateDatabaseFile(stored: StoredState): string {
  const { [DEFAULT_MODEL_POOL]: defaultPool, ...otherPools } = stored.pools;
  const document = {
    balancer_desired_state: defaultPool,
    ...(Object.keys(otherPools).length > 0 ? { model_pools: otherPools } : {}),
    ...(isDefaultFleetSettings(stored.settings) ? {} : { fleet_settings: stored.settings }),
    version: STATE_DATABASE_FILE_VERSION,
  };
  return `${JSON.stringify(document, sortKeys, 2)}\n`;
}

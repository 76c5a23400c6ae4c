import { defaultBalancerDesiredState } from "@paddler/protocol";
import { createCachedStateDatabase } from "./create-cached-state-database.js";
import type { StateDatabase } from "./state-database.js";

/** `memory://`: starts from the defaults every time and forgets everything on exit, as in Paddler. */
export function createMemoryStateDatabase(): StateDatabase {
  return createCachedStateDatabase({ url: "memory://", initialState: defaultBalancerDesiredState });
}

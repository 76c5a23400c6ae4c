import { createCachedStateDatabase } from "./create-cached-state-database.js";
import type { StateDatabase } from "./state-database.js";
import { defaultStoredState } from "./stored-state.js";

/** `memory://`: starts from the defaults every time and forgets everything on exit, as in Paddler. */
export function createMemoryStateDatabase(): StateDatabase {
  return createCachedStateDatabase({ url: "memory://", initialState: defaultStoredState() });
}

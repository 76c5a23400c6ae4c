export { createMemoryStateDatabase } from "./create-memory-state-database.js";
export {
  StateDatabaseError,
  type StateDatabaseErrorCode,
  StateDatabaseFileError,
  StateDatabaseUrlError,
} from "./errors.js";
export { openFileStateDatabase } from "./open-file-state-database.js";
export { openStateDatabase } from "./open-state-database.js";
export { parseStateDatabaseUrl, type StateDatabaseLocation } from "./parse-state-database-url.js";
export { serializeStateDatabaseFile } from "./serialize-state-database-file.js";
export type {
  BalancerDesiredStateChange,
  BalancerDesiredStateListener,
  StateDatabase,
  StateDatabaseChange,
  StateDatabaseListener,
} from "./state-database.js";
export { defaultStoredState, type StoredState, singlePoolState } from "./stored-state.js";

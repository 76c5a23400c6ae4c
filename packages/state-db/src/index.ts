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
export type {
  BalancerDesiredStateChange,
  BalancerDesiredStateListener,
  StateDatabase,
} from "./state-database.js";

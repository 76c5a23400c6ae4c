export { createMemoryStateDatabase } from "./create-memory-state-database.js";
export {
  StateDatabaseError,
  type StateDatabaseErrorCode,
  StateDatabaseFileError,
  StateDatabaseUrlError,
} from "./errors.js";
export { openFileStateDatabase } from "./open-file-state-database.js";
export { type OpenStateDatabaseOptions, openStateDatabase } from "./open-state-database.js";
export { parseStateDatabaseUrl, type StateDatabaseLocation } from "./parse-state-database-url.js";
export type { OpenPostgresStateDatabaseOptions } from "./postgres/open-postgres-state-database.js";
export { redactDatabaseUrl } from "./postgres/redact-database-url.js";
export { serializeStateDatabaseFile } from "./serialize-state-database-file.js";
export type {
  BalancerDesiredStateChange,
  BalancerDesiredStateListener,
  StateChangeOrigin,
  StateDatabase,
  StateDatabaseChange,
  StateDatabaseHealth,
  StateDatabaseListener,
} from "./state-database.js";
export { defaultStoredState, type StoredState, singlePoolState } from "./stored-state.js";

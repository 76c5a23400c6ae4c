import { createMemoryStateDatabase } from "./create-memory-state-database.js";
import { openFileStateDatabase } from "./open-file-state-database.js";
import { parseStateDatabaseUrl } from "./parse-state-database-url.js";
import type { StateDatabase } from "./state-database.js";

/**
 * Opens the state database named by `--state-database`: `memory://` or `file:///absolute/path.json`.
 * A new driver (SQL, Redis) adds a scheme to `parseStateDatabaseUrl` and a case here.
 */
export async function openStateDatabase(url: string): Promise<StateDatabase> {
  const location = parseStateDatabaseUrl(url);
  switch (location.driver) {
    case "memory":
      return createMemoryStateDatabase();
    case "file":
      return openFileStateDatabase({ url, path: location.path });
  }
}

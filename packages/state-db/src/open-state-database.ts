import type { Logger } from "@paddler/logger";
import { createMemoryStateDatabase } from "./create-memory-state-database.js";
import { openFileStateDatabase } from "./open-file-state-database.js";
import { parseStateDatabaseUrl } from "./parse-state-database-url.js";
import type { StateDatabase } from "./state-database.js";

export interface OpenStateDatabaseOptions {
  logger?: Logger;
  /** PostgreSQL only: how often every row is read again behind LISTEN/NOTIFY. */
  rereadIntervalMs?: number;
}

/**
 * Opens the state database named by `--state-database`: `memory://`, `file:///absolute/path.json`
 * or `postgres://user:password@host:port/database`.
 */
export async function openStateDatabase(
  url: string,
  options: OpenStateDatabaseOptions = {},
): Promise<StateDatabase> {
  const location = parseStateDatabaseUrl(url);
  switch (location.driver) {
    case "memory":
      return createMemoryStateDatabase();
    case "file":
      return openFileStateDatabase({ url, path: location.path });
    case "postgres": {
      // Loaded on demand: memory:// and file:// users never load the PostgreSQL client.
      const { openPostgresStateDatabase } = await import("./postgres/open-postgres-state-database.js");
      return openPostgresStateDatabase({ url, ...options });
    }
  }
}

import { CliUsageError } from "@paddler/cli-flags";
import { parseStateDatabaseUrl, redactDatabaseUrl, StateDatabaseUrlError } from "@paddler/state-db";

export interface StateDatabaseFlags {
  /** From --state-database or PADDLER_STATE_DATABASE. */
  url: string | null;
  file: string | null;
}

const DEFAULT_STATE_DATABASE = "memory://";
const EXPECTED = "memory://, file:///absolute/path.json or postgres://user:password@host:port/database";

/**
 * The state database URL from the flag, its variable or a file (first line). A database URL may
 * carry a password, so errors show it with the password replaced and a file's content never.
 */
export function resolveStateDatabaseUrl(
  flags: StateDatabaseFlags,
  readFile: (path: string) => string,
): string {
  if (flags.url !== null && flags.file !== null)
    throw new CliUsageError("--state-database and --state-database-file: give only one", {
      flag: "--state-database-file",
    });
  let url = flags.url ?? DEFAULT_STATE_DATABASE;
  let label = "--state-database";
  if (flags.file !== null) {
    label = "--state-database-file";
    let text: string;
    try {
      text = readFile(flags.file);
    } catch (error) {
      throw new CliUsageError(
        `${label}: cannot read '${flags.file}' (${(error as NodeJS.ErrnoException).code ?? "error"})`,
        { flag: label, cause: error },
      );
    }
    url = text.split(/\r?\n/)[0]?.trim() ?? "";
  }
  try {
    parseStateDatabaseUrl(url);
  } catch (error) {
    if (!(error instanceof StateDatabaseUrlError)) throw error;
    const shown = flags.file !== null ? `the first line of '${flags.file}'` : `'${redactDatabaseUrl(url)}'`;
    throw new CliUsageError(`${label}: expected ${EXPECTED}, got ${shown}`, { flag: label, cause: error });
  }
  return url;
}

import { StateDatabaseUrlError } from "./errors.js";

export type StateDatabaseLocation =
  | { driver: "memory" }
  | { driver: "file"; path: string }
  | { driver: "postgres" };

const MEMORY_URL = "memory://";
const FILE_PREFIX = "file://";

/**
 * Picks the driver from the URL scheme (`postgres://` and `postgresql://` both name PostgreSQL).
 * The file path is taken verbatim after `file://` (no percent-decoding), as Paddler does, so `file:///tmp/a b.json` names the file `/tmp/a b.json`.
 */
export function parseStateDatabaseUrl(url: string): StateDatabaseLocation {
  if (url === "") {
    throw new StateDatabaseUrlError({
      code: "INVALID_URL",
      url,
      reason: "it is empty; expected memory:// or file:///absolute/path.json",
    });
  }
  if (url === MEMORY_URL) {
    return { driver: "memory" };
  }
  if (url.startsWith(FILE_PREFIX)) {
    const path = url.slice(FILE_PREFIX.length);
    if (path === "") {
      throw new StateDatabaseUrlError({
        code: "INVALID_URL",
        url,
        reason: "the file path is empty; expected file:///absolute/path.json",
      });
    }
    if (!path.startsWith("/")) {
      throw new StateDatabaseUrlError({
        code: "INVALID_URL",
        url,
        reason: `the file path '${path}' is relative; expected file:///absolute/path.json (three slashes)`,
      });
    }
    return { driver: "file", path };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1];
  if (scheme === "postgres" || scheme === "postgresql") {
    if (!URL.canParse(url) || new URL(url).hostname === "") {
      // The URL may hold a password: never echo it.
      throw new StateDatabaseUrlError({
        code: "INVALID_URL",
        url: `${scheme}://(redacted)`,
        reason: "expected postgres://user:password@host:port/database",
      });
    }
    return { driver: "postgres" };
  }
  throw new StateDatabaseUrlError({
    code: "UNSUPPORTED_SCHEME",
    url,
    reason: `${scheme ? `the scheme '${scheme}' is not supported` : "it has no scheme"}; expected memory://, file:///absolute/path.json or postgres://user:password@host:port/database`,
  });
}

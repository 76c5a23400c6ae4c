import { StateDatabaseUrlError } from "./errors.js";

export type StateDatabaseLocation = { driver: "memory" } | { driver: "file"; path: string };

const MEMORY_URL = "memory://";
const FILE_PREFIX = "file://";

/**
 * Picks the driver from the URL scheme. The file path is taken verbatim after `file://` (no
 * percent-decoding), as Paddler does, so `file:///tmp/a b.json` names the file `/tmp/a b.json`.
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
  throw new StateDatabaseUrlError({
    code: "UNSUPPORTED_SCHEME",
    url,
    reason: `${scheme ? `the scheme '${scheme}' is not supported` : "it has no scheme"}; expected memory:// or file:///absolute/path.json`,
  });
}

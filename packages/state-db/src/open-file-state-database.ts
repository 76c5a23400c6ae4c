import { readdir, readFile, realpath, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";
import {
  DEFAULT_MODEL_POOL,
  defaultFleetSettings,
  describeZodError,
  STATE_DATABASE_FILE_VERSION,
  stateDatabaseFileSchema,
} from "@paddler/protocol";
import { createCachedStateDatabase } from "./create-cached-state-database.js";
import { StateDatabaseError, StateDatabaseFileError } from "./errors.js";
import { serializeStateDatabaseFile } from "./serialize-state-database-file.js";
import type { StateDatabase } from "./state-database.js";
import { defaultStoredState, type StoredState } from "./stored-state.js";
import { upgradeStateDatabaseDocument } from "./upgrade-state-database-document.js";
import { temporaryFilePrefix, writeFileAtomically } from "./write-file-atomically.js";

/** Paddler wrote `""` into fresh files; we write "1" but must read both. */
const READABLE_VERSIONS = new Set(["", STATE_DATABASE_FILE_VERSION]);

function isErrnoException(error: unknown, code: string): boolean {
  return error instanceof Error && "code" in error && error.code === code;
}

function ioError(path: string, action: string, cause: unknown): StateDatabaseError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new StateDatabaseError("IO_FAILED", `Cannot ${action} state database file ${path}: ${reason}`, {
    cause,
  });
}

/** Follows a symlinked state file so that stores replace the real file, not the link. */
async function resolveTarget(path: string): Promise<string> {
  try {
    return await realpath(path);
  } catch (error) {
    if (isErrnoException(error, "ENOENT")) {
      return path;
    }
    throw ioError(path, "resolve", error);
  }
}

async function readExisting(path: string): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if (isErrnoException(error, "ENOENT")) {
      return null;
    }
    throw ioError(path, "read", error);
  }
}

function parseContent(path: string, content: string): StoredState {
  let document: unknown;
  try {
    document = JSON.parse(content);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new StateDatabaseFileError({
      path,
      problems: [{ field: "", reason: `not valid JSON: ${reason}` }],
      cause: error,
    });
  }
  const parsed = stateDatabaseFileSchema.safeParse(upgradeStateDatabaseDocument(document));
  if (!parsed.success) {
    throw new StateDatabaseFileError({ path, problems: describeZodError(parsed.error), cause: parsed.error });
  }
  if (!READABLE_VERSIONS.has(parsed.data.version)) {
    throw new StateDatabaseFileError({
      path,
      problems: [{ field: "version", reason: `unsupported version '${parsed.data.version}', expected '1'` }],
    });
  }
  const { balancer_desired_state, model_pools = {}, fleet_settings = defaultFleetSettings } = parsed.data;
  if (DEFAULT_MODEL_POOL in model_pools) {
    throw new StateDatabaseFileError({
      path,
      problems: [
        {
          field: `model_pools.${DEFAULT_MODEL_POOL}`,
          reason: "the default pool is balancer_desired_state; it cannot be listed again in model_pools",
        },
      ],
    });
  }
  return {
    pools: { [DEFAULT_MODEL_POOL]: balancer_desired_state, ...model_pools },
    settings: structuredClone(fleet_settings),
  };
}

/** Temp files of a store interrupted by a crash; nothing else writes them, so they are safe to drop. */
async function removeStaleTemporaryFiles(path: string): Promise<void> {
  const prefix = temporaryFilePrefix(path);
  const directory = dirname(path);
  const entries = await readdir(directory).catch(() => []);
  await Promise.all(
    entries
      .filter((entry) => entry.startsWith(prefix))
      // Best effort: a leftover temp file is litter, not a reason to refuse to start.
      .map((entry) => unlink(join(directory, entry)).catch(() => undefined)),
  );
}

/**
 * `file:///abs/path.json`: the state lives in a pretty JSON file `{"balancer_desired_state": …,
 * "version": "1"}` (Paddler's format), plus `model_pools` and `fleet_settings` once there is more
 * than the default pool (see `serializeStateDatabaseFile`). A missing or empty file is created with the defaults. A file that does not parse
 * or validate stops start-up with a `StateDatabaseFileError` and is never overwritten. Files from
 * older Paddler versions load unchanged and are rewritten in the current format on the next store.
 *
 * The file is read once, at open: edits made by hand while the balancer runs are not observed
 * (as in Paddler) and are replaced by the next store. Each store replaces the file atomically.
 * One process per file: two balancers sharing a file would overwrite each other.
 */
export async function openFileStateDatabase(options: { url: string; path: string }): Promise<StateDatabase> {
  const path = await resolveTarget(options.path);
  const persist = async (state: StoredState): Promise<void> => {
    try {
      await writeFileAtomically(path, serializeStateDatabaseFile(state));
    } catch (error) {
      throw ioError(path, "write", error);
    }
  };

  const content = await readExisting(path);
  await removeStaleTemporaryFiles(path);
  let initialState: StoredState;
  if (content === null || content.trim() === "") {
    initialState = defaultStoredState();
    await persist(initialState);
  } else {
    initialState = parseContent(path, content);
  }
  return createCachedStateDatabase({ url: options.url, initialState, persist });
}

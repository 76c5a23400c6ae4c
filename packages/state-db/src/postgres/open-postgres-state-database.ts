import type { Logger } from "@paddler/logger";
import {
  type BalancerDesiredState,
  balancerDesiredStateSchema,
  DEFAULT_MODEL_POOL,
  defaultBalancerDesiredState,
  defaultFleetSettings,
  type FleetSettings,
  fleetSettingsSchema,
  formatZodError,
  type ModelPoolName,
  modelPoolNameSchema,
} from "@paddler/protocol";
import pg from "pg";
import type { z } from "zod";
import { StateDatabaseError } from "../errors.js";
import type {
  StateChangeOrigin,
  StateDatabase,
  StateDatabaseChange,
  StateDatabaseHealth,
  StateDatabaseListener,
} from "../state-database.js";
import { PostgresChangeListener } from "./postgres-change-listener.js";
import { migratePostgres } from "./postgres-migrations.js";
import { redactDatabaseUrl } from "./redact-database-url.js";

export const STATE_CHANGE_CHANNEL = "paddler_state";
/** Row kinds of `paddler_state`: one row per pool (a JSON null marks a deleted pool) and one settings row. */
const POOL_KIND = "pool";
const SETTINGS_KIND = "settings";
const SETTINGS_NAME = "fleet";

export interface OpenPostgresStateDatabaseOptions {
  /** `postgres://user:password@host:port/database?…`, as `pg` reads it. */
  url: string;
  logger?: Logger;
  /** The safety net behind LISTEN/NOTIFY: every row is read again this often. */
  rereadIntervalMs?: number;
  /** How long start-up keeps trying to reach the database before giving up. */
  startupTimeoutMs?: number;
  /** Wait between two attempts to reconnect the listener. */
  reconnectDelayMs?: number;
}

interface StateRow {
  kind: string;
  name: string;
  value: unknown;
  revision: string;
}

function unavailable(url: string, cause: unknown): StateDatabaseError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new StateDatabaseError("UNAVAILABLE", `The state database ${url} is unavailable: ${reason}`, {
    cause,
  });
}

function validated<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const message = `Refusing to store an invalid ${what}: ${formatZodError(parsed.error)}`;
    throw new StateDatabaseError("INVALID_STATE", message, { cause: parsed.error });
  }
  return parsed.data;
}

/**
 * `postgres://…`: every pool's desired state and the fleet settings in PostgreSQL, shared by any
 * number of balancers. Reads come from a cache that LISTEN/NOTIFY keeps fresh (plus a full re-read
 * every few seconds), so inference never waits on the database; while it is unreachable, the last
 * state read stays in use and writes are refused with `UNAVAILABLE`. Tables come from versioned
 * migrations at start-up.
 */
export async function openPostgresStateDatabase(
  options: OpenPostgresStateDatabaseOptions,
): Promise<StateDatabase> {
  const { logger, rereadIntervalMs = 5000, startupTimeoutMs = 30_000, reconnectDelayMs = 1000 } = options;
  const url = redactDatabaseUrl(options.url);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: 4,
    connectionTimeoutMillis: 3000,
    idleTimeoutMillis: 10_000,
    // A statement stuck on a half-dead connection must not hold a write (and its HTTP request) for minutes.
    query_timeout: 10_000,
  });
  // Idle connections that the server drops emit here; without a handler the process would crash.
  pool.on("error", (error) => logger?.debug("state database connection dropped", { error: error.message }));

  const pools = new Map<ModelPoolName, BalancerDesiredState>();
  let settings: FleetSettings = structuredClone(defaultFleetSettings);
  /** The newest revision seen of each row, deleted pools included, keyed `kind/name`. */
  const revisions = new Map<string, bigint>();
  const listeners = new Set<StateDatabaseListener>();
  const healthListeners = new Set<(health: StateDatabaseHealth) => void>();
  let health: StateDatabaseHealth = { available: true, since: Date.now(), reason: null };
  let closed = false;
  let queue: Promise<void> = Promise.resolve();

  function setHealth(available: boolean, reason: string | null): void {
    if (health.available === available) return;
    health = { available, since: Date.now(), reason };
    if (available) logger?.info("state database available again", { url });
    else logger?.warn("state database unavailable; serving the last state read", { url, reason });
    for (const listener of [...healthListeners]) listener(health);
  }

  function announce(change: StateDatabaseChange): void {
    for (const listener of [...listeners]) {
      try {
        listener(structuredClone(change));
      } catch (error) {
        logger?.error("a state database subscriber threw", { error });
      }
    }
  }

  /** Takes a row if it is newer than what we hold and announces the change. */
  function applyRow(row: StateRow, origin: StateChangeOrigin): void {
    const key = `${row.kind}/${row.name}`;
    const revision = BigInt(row.revision);
    const held = revisions.get(key);
    if (held !== undefined && held >= revision) return;
    revisions.set(key, revision);
    if (row.kind === SETTINGS_KIND && row.name === SETTINGS_NAME) {
      const parsed = fleetSettingsSchema.safeParse(row.value);
      if (!parsed.success) {
        logger?.error("ignoring invalid fleet settings in the state database", {
          reason: formatZodError(parsed.error),
        });
        return;
      }
      settings = parsed.data;
      announce({ kind: "fleet_settings", settings: parsed.data, origin });
      return;
    }
    if (row.kind !== POOL_KIND) return;
    if (row.value === null) {
      if (pools.delete(row.name)) announce({ kind: "pool_deleted", pool: row.name, origin });
      return;
    }
    const parsed = balancerDesiredStateSchema.safeParse(row.value);
    if (!parsed.success) {
      logger?.error("ignoring an invalid desired state in the state database", {
        pool: row.name,
        reason: formatZodError(parsed.error),
      });
      return;
    }
    pools.set(row.name, parsed.data);
    announce({ kind: "desired_state", pool: row.name, state: parsed.data, origin });
  }

  const selectRows = "SELECT kind, name, value, revision::text AS revision FROM paddler_state";

  async function readAll(): Promise<void> {
    const result = await pool.query<StateRow>(`${selectRows} ORDER BY revision`);
    for (const row of result.rows) applyRow(row, "remote");
  }

  async function readOne(kind: string, name: string): Promise<void> {
    const result = await pool.query<StateRow>(`${selectRows} WHERE kind = $1 AND name = $2`, [kind, name]);
    for (const row of result.rows) applyRow(row, "remote");
  }

  async function connectAndPrepare(): Promise<void> {
    const client = await pool.connect();
    try {
      const { applied } = await migratePostgres(client);
      if (applied.length > 0) logger?.info("state database migrated", { url, versions: applied });
      // The default pool exists from the start, as in the other drivers.
      await client.query(
        `INSERT INTO paddler_state (kind, name, value, revision)
         VALUES ($1, $2, $3, nextval('paddler_state_revision')) ON CONFLICT (kind, name) DO NOTHING`,
        [POOL_KIND, DEFAULT_MODEL_POOL, JSON.stringify(defaultBalancerDesiredState)],
      );
    } finally {
      client.release();
    }
  }

  const startedAt = Date.now();
  for (;;) {
    try {
      await connectAndPrepare();
      await readAll();
      break;
    } catch (error) {
      if (error instanceof StateDatabaseError || Date.now() - startedAt >= startupTimeoutMs) {
        await pool.end().catch(() => undefined);
        throw error instanceof StateDatabaseError ? error : unavailable(url, error);
      }
      logger?.warn("waiting for the state database", {
        url,
        reason: error instanceof Error ? error.message : String(error),
      });
      await new Promise((resolve) => setTimeout(resolve, reconnectDelayMs));
    }
  }

  const changeListener = new PostgresChangeListener({
    connectionString: options.url,
    channel: STATE_CHANGE_CHANNEL,
    reconnectDelayMs,
    onNotification: (payload) => {
      const slash = payload.indexOf("/");
      if (slash <= 0) return;
      readOne(payload.slice(0, slash), payload.slice(slash + 1)).catch((error) =>
        setHealth(false, (error as Error).message),
      );
    },
    // Whatever happened while the listener was away is read again at once.
    onConnected: () =>
      readAll().then(
        () => setHealth(true, null),
        (error) => setHealth(false, (error as Error).message),
      ),
    onDisconnected: (reason) => setHealth(false, reason),
  });

  const reread = setInterval(() => {
    readAll().then(
      () => {
        if (changeListener.connected) setHealth(true, null);
      },
      (error) => setHealth(false, (error as Error).message),
    );
  }, rereadIntervalMs);
  reread.unref();

  function checkOpen(): void {
    if (closed) throw new StateDatabaseError("CLOSED", `State database ${url} is closed`);
  }

  function unknownPool(name: ModelPoolName): StateDatabaseError {
    return new StateDatabaseError("UNKNOWN_MODEL_POOL", `Model pool '${name}' does not exist`);
  }

  /**
   * Writes one row and announces it to every balancer. The revision is drawn under the row's lock
   * (in DO UPDATE), so a row's revision only grows; the notice goes out on commit, to this balancer
   * too (which then finds nothing new).
   */
  async function writeRow(kind: string, name: string, value: unknown): Promise<void> {
    // Tried even while the listener is away: the write either reaches the database or fails fast.
    let result: pg.QueryResult<{ revision: string }>;
    try {
      result = await pool.query<{ revision: string }>(
        `WITH stored AS (
           INSERT INTO paddler_state (kind, name, value, revision)
           VALUES ($1, $2, $3, nextval('paddler_state_revision'))
           ON CONFLICT (kind, name) DO UPDATE
             SET value = EXCLUDED.value, revision = nextval('paddler_state_revision'), updated_at = now()
           RETURNING revision
         )
         SELECT revision::text AS revision, pg_notify($4, $1 || '/' || $2) FROM stored`,
        [kind, name, JSON.stringify(value), STATE_CHANGE_CHANNEL],
      );
    } catch (error) {
      throw unavailable(url, error);
    }
    const revision = result.rows[0]?.revision;
    if (revision === undefined) throw unavailable(url, new Error("the write returned no revision"));
    applyRow({ kind, name, value, revision }, "local");
  }

  /** Writes one at a time, in call order, like the other drivers; a failed one does not block the rest. */
  function enqueue(work: () => Promise<void>): Promise<void> {
    const result = queue.then(() => {
      checkOpen();
      return work();
    });
    queue = result.catch(() => undefined);
    return result;
  }

  function rejectingEarly(check: () => void): Promise<void> | null {
    try {
      check();
      return null;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async function close(): Promise<void> {
    if (closed) return;
    closed = true;
    await queue.catch(() => undefined);
    clearInterval(reread);
    listeners.clear();
    healthListeners.clear();
    await changeListener.close();
    await pool.end().catch(() => undefined);
  }

  return {
    url,
    async readBalancerDesiredState(name = DEFAULT_MODEL_POOL) {
      checkOpen();
      const state = pools.get(name);
      if (state === undefined) throw unknownPool(name);
      return structuredClone(state);
    },
    storeBalancerDesiredState(state, name = DEFAULT_MODEL_POOL) {
      let parsed: BalancerDesiredState;
      const early = rejectingEarly(() => {
        checkOpen();
        validated(modelPoolNameSchema, name, "pool name");
        parsed = validated(balancerDesiredStateSchema, state, "desired state");
      });
      return early ?? enqueue(() => writeRow(POOL_KIND, name, parsed));
    },
    async listModelPools() {
      checkOpen();
      return [...pools.keys()].sort((a, b) =>
        a === DEFAULT_MODEL_POOL ? -1 : b === DEFAULT_MODEL_POOL ? 1 : a < b ? -1 : a > b ? 1 : 0,
      );
    },
    deleteModelPool(name) {
      const early = rejectingEarly(() => {
        checkOpen();
        if (name === DEFAULT_MODEL_POOL)
          throw new StateDatabaseError(
            "DEFAULT_POOL_REQUIRED",
            `The pool '${DEFAULT_MODEL_POOL}' is Paddler's desired state and cannot be deleted`,
          );
      });
      return (
        early ??
        enqueue(async () => {
          if (!pools.has(name)) throw unknownPool(name);
          await writeRow(POOL_KIND, name, null);
        })
      );
    },
    async readFleetSettings() {
      checkOpen();
      return structuredClone(settings);
    },
    storeFleetSettings(next) {
      let parsed: FleetSettings;
      const early = rejectingEarly(() => {
        checkOpen();
        parsed = validated(fleetSettingsSchema, next, "fleet settings");
      });
      return early ?? enqueue(() => writeRow(SETTINGS_KIND, SETTINGS_NAME, parsed));
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    health: () => health,
    onHealthChange(listener) {
      healthListeners.add(listener);
      return () => {
        healthListeners.delete(listener);
      };
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

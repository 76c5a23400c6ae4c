import type { PoolClient } from "pg";
import { StateDatabaseError } from "../errors.js";

export interface PostgresMigration {
  readonly version: number;
  readonly sql: string;
}

/**
 * The schema, one step per version, applied in order and never edited once released: a change is
 * a new step. Every piece of state is a row of `paddler_state` keyed by kind and name (`pool` /
 * `default` for a pool's desired state), so new kinds need no new tables. `revision` comes from
 * one sequence and is taken under the row's lock, so a row's revision only grows.
 */
export const postgresMigrations: readonly PostgresMigration[] = [
  {
    version: 1,
    sql: `
      CREATE SEQUENCE paddler_state_revision;
      CREATE TABLE paddler_state (
        kind text NOT NULL,
        name text NOT NULL,
        value jsonb NOT NULL,
        revision bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (kind, name)
      );
    `,
  },
];

/** Any 64-bit constant works; this one spells "paddler" so it is recognisable in pg_locks. */
const MIGRATION_LOCK_KEY = "7070617464646c65";

/**
 * Brings the schema up to date. Balancers that start together queue on a transaction-scoped
 * advisory lock, so each step runs once; the first one migrates and the others find nothing to do.
 * A database migrated by a newer balancer is refused rather than guessed at.
 */
export async function migratePostgres(
  client: PoolClient,
  migrations: readonly PostgresMigration[] = postgresMigrations,
): Promise<{ applied: number[] }> {
  await client.query("BEGIN");
  try {
    await client.query(`SELECT pg_advisory_xact_lock(x'${MIGRATION_LOCK_KEY}'::bigint)`);
    await client.query(
      "CREATE TABLE IF NOT EXISTS paddler_schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
    );
    const result = await client.query<{ version: number | null }>(
      "SELECT max(version) AS version FROM paddler_schema_migrations",
    );
    const current = result.rows[0]?.version ?? 0;
    const newest = migrations.at(-1)?.version ?? 0;
    if (current > newest) {
      throw new StateDatabaseError(
        "INCOMPATIBLE_SCHEMA",
        `The state database schema is at version ${current}, newer than this balancer knows (${newest}); upgrade the balancer`,
      );
    }
    const applied: number[] = [];
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      await client.query(migration.sql);
      await client.query("INSERT INTO paddler_schema_migrations (version) VALUES ($1)", [migration.version]);
      applied.push(migration.version);
    }
    await client.query("COMMIT");
    return { applied };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

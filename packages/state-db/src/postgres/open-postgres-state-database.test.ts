import { type BalancerDesiredState, defaultBalancerDesiredState } from "@paddler/protocol";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StateDatabaseError } from "../errors.js";
import type { StateDatabase } from "../state-database.js";
import { startTestPostgres, type TestPostgres } from "../testing/start-test-postgres.js";
import { openPostgresStateDatabase } from "./open-postgres-state-database.js";

// A real PostgreSQL server of this file's own (initdb in a temp dir), as the balancers would use.
let server: TestPostgres;
const opened: StateDatabase[] = [];

beforeAll(async () => {
  server = await startTestPostgres();
}, 120_000);

afterAll(async () => {
  await Promise.all(opened.map((database) => database.close()));
  await server?.close();
}, 120_000);

async function open(options: { rereadIntervalMs?: number } = {}): Promise<StateDatabase> {
  const database = await openPostgresStateDatabase({ url: server.url, reconnectDelayMs: 100, ...options });
  opened.push(database);
  return database;
}

function withTopK(topK: number): BalancerDesiredState {
  return {
    ...defaultBalancerDesiredState,
    inference_parameters: { ...defaultBalancerDesiredState.inference_parameters, top_k: topK },
  };
}

async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

describe("postgres state database", () => {
  it("migrates once when several balancers start together, then serves the defaults", async () => {
    const databases = await Promise.all([open(), open(), open(), open()]);
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    const { rows } = await client.query("SELECT version FROM paddler_schema_migrations ORDER BY version");
    await client.end();
    expect(rows).toEqual([{ version: 1 }]);
    for (const database of databases) {
      expect(await database.readBalancerDesiredState()).toEqual(
        await databases[0]?.readBalancerDesiredState(),
      );
    }
  }, 60_000);

  it("hands a store through one to the others' subscribers, marked remote", async () => {
    // A long re-read interval, so only LISTEN/NOTIFY can carry the change quickly.
    const [a, b] = await Promise.all([
      open({ rereadIntervalMs: 600_000 }),
      open({ rereadIntervalMs: 600_000 }),
    ]);
    const heard: { origin: string; topK: number }[] = [];
    b?.subscribe((change) => {
      if (change.kind === "desired_state")
        heard.push({ origin: change.origin, topK: change.state.inference_parameters.top_k });
    });
    const localHeard: string[] = [];
    a?.subscribe((change) => localHeard.push(change.origin));
    const startedAt = Date.now();
    await a?.storeBalancerDesiredState(withTopK(7));
    await eventually(() => expect(heard).toContainEqual({ origin: "remote", topK: 7 }));
    console.info(
      `postgres state change reached the other database object after ${Date.now() - startedAt} ms`,
    );
    expect((await b?.readBalancerDesiredState())?.inference_parameters.top_k).toBe(7);
    // The store's own notice comes back to it, but it already holds that revision.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(localHeard).toEqual(["local"]);
  }, 60_000);

  it("converges on the last of concurrent stores from several balancers", async () => {
    const databases = await Promise.all([open(), open(), open()]);
    await Promise.all(
      databases.flatMap((database, index) =>
        [1, 2, 3].map((step) => database.storeBalancerDesiredState(withTopK(100 + index * 10 + step))),
      ),
    );
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    const { rows } = await client.query<{ value: BalancerDesiredState }>(
      "SELECT value FROM paddler_state WHERE kind = 'pool' AND name = 'default'",
    );
    await client.end();
    const stored = rows[0]?.value.inference_parameters.top_k;
    for (const database of databases) {
      await eventually(async () =>
        expect((await database.readBalancerDesiredState()).inference_parameters.top_k).toBe(stored),
      );
    }
  }, 60_000);

  it("keeps the last state while the database is down, refuses stores, and catches up after", async () => {
    const [a, b] = await Promise.all([open({ rereadIntervalMs: 500 }), open({ rereadIntervalMs: 500 })]);
    await a?.storeBalancerDesiredState(withTopK(21));
    await eventually(async () =>
      expect((await b?.readBalancerDesiredState())?.inference_parameters.top_k).toBe(21),
    );
    const flips: boolean[] = [];
    b?.onHealthChange((health) => flips.push(health.available));

    await server.stop();
    await eventually(() => expect(a?.health().available).toBe(false));
    await eventually(() => expect(b?.health().available).toBe(false));
    expect(b?.health().reason).toBeTruthy();
    expect((await b?.readBalancerDesiredState())?.inference_parameters.top_k).toBe(21);
    const refused = await a?.storeBalancerDesiredState(withTopK(22)).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(StateDatabaseError);
    expect(refused).toMatchObject({ code: "UNAVAILABLE" });

    await server.start();
    await eventually(() => expect(a?.health().available).toBe(true));
    await eventually(() => expect(b?.health().available).toBe(true));
    await a?.storeBalancerDesiredState(withTopK(23));
    await eventually(async () =>
      expect((await b?.readBalancerDesiredState())?.inference_parameters.top_k).toBe(23),
    );
    expect(flips).toEqual([false, true]);
  }, 120_000);

  it("reads a change written while it was away once it reconnects", async () => {
    const [a, b] = await Promise.all([
      open({ rereadIntervalMs: 600_000 }),
      open({ rereadIntervalMs: 600_000 }),
    ]);
    await a?.storeBalancerDesiredState(withTopK(31));
    await eventually(async () =>
      expect((await b?.readBalancerDesiredState())?.inference_parameters.top_k).toBe(31),
    );
    // Kill b's connections only: a stays up and stores while b is cut off.
    const admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
    await admin.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()",
    );
    await a?.storeBalancerDesiredState(withTopK(32));
    await admin.end();
    await eventually(async () =>
      expect((await b?.readBalancerDesiredState())?.inference_parameters.top_k).toBe(32),
    );
  }, 60_000);

  it("never shows the password", async () => {
    const database = await open();
    expect(database.url).not.toContain("secret");
    const withPassword = server.url.replace("postgres@", "postgres:secret@");
    const other = await openPostgresStateDatabase({ url: withPassword });
    opened.push(other);
    expect(other.url).toBe(withPassword.replace(":secret@", ":***@"));
  }, 60_000);

  it("stores pools, deletes them and stores fleet settings, each reaching the other balancers", async () => {
    const [a, b] = await Promise.all([
      open({ rereadIntervalMs: 600_000 }),
      open({ rereadIntervalMs: 600_000 }),
    ]);
    if (!a || !b) throw new Error("not opened");
    await expect(a.readBalancerDesiredState("nope")).rejects.toMatchObject({ code: "UNKNOWN_MODEL_POOL" });
    const kinds: string[] = [];
    b.subscribe((change) => kinds.push(`${change.kind}:${change.origin}`));
    await a.storeBalancerDesiredState(withTopK(41), "chat");
    await eventually(async () =>
      expect((await b.readBalancerDesiredState("chat")).inference_parameters.top_k).toBe(41),
    );
    expect(await b.listModelPools()).toEqual(["default", "chat"]);
    await a.storeFleetSettings({ ...(await a.readFleetSettings()), aliases: { "gpt-4o": "chat" } });
    await eventually(async () => expect((await b.readFleetSettings()).aliases).toEqual({ "gpt-4o": "chat" }));
    await a.deleteModelPool("chat");
    await eventually(async () => expect(await b.listModelPools()).toEqual(["default"]));
    await expect(a.deleteModelPool("default")).rejects.toMatchObject({ code: "DEFAULT_POOL_REQUIRED" });
    await expect(a.deleteModelPool("chat")).rejects.toMatchObject({ code: "UNKNOWN_MODEL_POOL" });
    expect(kinds).toEqual(["desired_state:remote", "fleet_settings:remote", "pool_deleted:remote"]);
    // A database opened afterwards loads what is there, deleted pools left out.
    const c = await open();
    expect(await c.listModelPools()).toEqual(["default"]);
    expect((await c.readFleetSettings()).aliases).toEqual({ "gpt-4o": "chat" });
  }, 60_000);
});

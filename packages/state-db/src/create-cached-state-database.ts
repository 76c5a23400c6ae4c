import {
  type BalancerDesiredState,
  balancerDesiredStateSchema,
  DEFAULT_MODEL_POOL,
  defaultBalancerDesiredState,
  type FleetSettings,
  fleetSettingsSchema,
  formatZodError,
  type ModelPoolName,
  modelPoolNameSchema,
} from "@paddler/protocol";
import type { z } from "zod";
import { StateDatabaseError } from "./errors.js";
import type { StateDatabase, StateDatabaseChange, StateDatabaseListener } from "./state-database.js";
import type { StoredState } from "./stored-state.js";

export interface CachedStateDatabaseOptions {
  url: string;
  initialState: StoredState;
  /** Makes a validated state durable; called one write at a time. The memory driver passes none. */
  persist?: (state: StoredState) => Promise<void>;
}

function validated<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const message = `Refusing to store an invalid ${what}: ${formatZodError(parsed.error)}`;
    throw new StateDatabaseError("INVALID_STATE", message, { cause: parsed.error });
  }
  return parsed.data;
}

function sortedPools(pools: Record<ModelPoolName, BalancerDesiredState>): ModelPoolName[] {
  return Object.keys(pools).sort((a, b) =>
    a === DEFAULT_MODEL_POOL ? -1 : b === DEFAULT_MODEL_POOL ? 1 : a < b ? -1 : a > b ? 1 : 0,
  );
}

/**
 * The part every single-writer driver shares: the state lives in memory (the balancer is its only
 * writer), writes are validated, queued so they persist in call order, and announced afterwards.
 * Drivers differ only in how they load the first state and how they persist.
 */
export function createCachedStateDatabase(options: CachedStateDatabaseOptions): StateDatabase {
  const { url, persist } = options;
  let current: StoredState = {
    pools: Object.fromEntries(
      Object.entries(options.initialState.pools).map(([pool, state]) => [
        pool,
        balancerDesiredStateSchema.parse(state),
      ]),
    ),
    settings: fleetSettingsSchema.parse(options.initialState.settings),
  };
  current.pools[DEFAULT_MODEL_POOL] ??= structuredClone(defaultBalancerDesiredState);
  let queue: Promise<void> = Promise.resolve();
  let closed = false;
  const listeners = new Set<StateDatabaseListener>();
  const health = { available: true, since: Date.now(), reason: null };

  function checkOpen(): void {
    if (closed) throw new StateDatabaseError("CLOSED", `State database ${url} is closed`);
  }

  function checkPoolName(pool: ModelPoolName): void {
    const parsed = modelPoolNameSchema.safeParse(pool);
    if (!parsed.success)
      throw new StateDatabaseError(
        "INVALID_STATE",
        `Invalid pool name '${pool}': ${formatZodError(parsed.error)}`,
      );
  }

  function unknownPool(pool: ModelPoolName): StateDatabaseError {
    return new StateDatabaseError("UNKNOWN_MODEL_POOL", `Model pool '${pool}' does not exist`);
  }

  /** Queues a write: `next` computes the new state from the one current when its turn comes. */
  function write(
    next: (state: StoredState) => { state: StoredState; change: StateDatabaseChange },
  ): Promise<void> {
    const result = queue.then(async () => {
      checkOpen();
      const { state, change } = next(current);
      await persist?.(state);
      current = state;
      // Every listener hears about the change even if an earlier one throws; the state is already
      // stored, so the caller learns of listener failures without the write being undone.
      const failures: unknown[] = [];
      for (const listener of [...listeners]) {
        try {
          listener(structuredClone(change));
        } catch (error) {
          failures.push(error);
        }
      }
      if (failures.length > 0) {
        throw new AggregateError(failures, "The state was stored, but a subscriber threw");
      }
    });
    // A failed write must not block the ones queued after it.
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
    closed = true;
    await queue.catch(() => undefined);
    listeners.clear();
  }

  return {
    url,
    async readBalancerDesiredState(pool = DEFAULT_MODEL_POOL) {
      checkOpen();
      const state = current.pools[pool];
      if (state === undefined) throw unknownPool(pool);
      return structuredClone(state);
    },
    storeBalancerDesiredState(state, pool = DEFAULT_MODEL_POOL) {
      let parsed: BalancerDesiredState;
      const early = rejectingEarly(() => {
        checkOpen();
        checkPoolName(pool);
        parsed = validated(balancerDesiredStateSchema, state, "desired state");
      });
      if (early) return early;
      return write((from) => ({
        state: { ...from, pools: { ...from.pools, [pool]: parsed } },
        change: { kind: "desired_state", pool, state: parsed, origin: "local" },
      }));
    },
    async listModelPools() {
      checkOpen();
      return sortedPools(current.pools);
    },
    deleteModelPool(pool) {
      const early = rejectingEarly(() => {
        checkOpen();
        if (pool === DEFAULT_MODEL_POOL)
          throw new StateDatabaseError(
            "DEFAULT_POOL_REQUIRED",
            `The pool '${DEFAULT_MODEL_POOL}' is Paddler's desired state and cannot be deleted`,
          );
      });
      if (early) return early;
      return write((from) => {
        if (from.pools[pool] === undefined) throw unknownPool(pool);
        const { [pool]: _removed, ...pools } = from.pools;
        return { state: { ...from, pools }, change: { kind: "pool_deleted", pool, origin: "local" } };
      });
    },
    async readFleetSettings() {
      checkOpen();
      return structuredClone(current.settings);
    },
    storeFleetSettings(settings) {
      let parsed: FleetSettings;
      const early = rejectingEarly(() => {
        checkOpen();
        parsed = validated(fleetSettingsSchema, settings, "fleet settings");
      });
      if (early) return early;
      return write((from) => ({
        state: { ...from, settings: parsed },
        change: { kind: "fleet_settings", settings: parsed, origin: "local" },
      }));
    },
    health: () => health,
    // Nothing to lose in this process: the health never changes.
    onHealthChange: () => () => undefined,
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

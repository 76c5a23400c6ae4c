import {
  type BalancerDesiredState,
  balancerDesiredStateSchema,
  DEFAULT_MODEL_POOL,
  formatZodError,
  type ModelPoolName,
} from "@paddler/protocol";
import { StateDatabaseError } from "./errors.js";
import type { BalancerDesiredStateListener, StateDatabase } from "./state-database.js";

export interface CachedStateDatabaseOptions {
  url: string;
  initialState: BalancerDesiredState;
  /** Makes a validated state durable; called one store at a time. The memory driver passes none. */
  persist?: (state: BalancerDesiredState) => Promise<void>;
}

/**
 * The part every single-writer driver shares: the state lives in memory (the balancer is its only
 * writer), stores are validated, queued so they persist in call order, and announced afterwards.
 * Drivers differ only in how they load the first state and how they persist.
 */
export function createCachedStateDatabase(options: CachedStateDatabaseOptions): StateDatabase {
  const { url, persist } = options;
  let current = balancerDesiredStateSchema.parse(options.initialState);
  let queue: Promise<void> = Promise.resolve();
  let closed = false;
  const listeners = new Set<BalancerDesiredStateListener>();

  function checkUsable(pool: ModelPoolName): void {
    if (closed) {
      throw new StateDatabaseError("CLOSED", `State database ${url} is closed`);
    }
    if (pool !== DEFAULT_MODEL_POOL) {
      throw new StateDatabaseError(
        "UNKNOWN_MODEL_POOL",
        `Model pool '${pool}' does not exist; only '${DEFAULT_MODEL_POOL}' is supported`,
      );
    }
  }

  async function applyStore(state: BalancerDesiredState, pool: ModelPoolName): Promise<void> {
    await persist?.(state);
    current = state;
    // Every listener hears about the change even if an earlier one throws; the state is already
    // stored, so the caller learns of listener failures without the store being undone.
    const failures: unknown[] = [];
    for (const listener of [...listeners]) {
      try {
        listener({ pool, state: structuredClone(state) });
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length > 0) {
      throw new AggregateError(failures, "The state was stored, but a subscriber threw");
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
      checkUsable(pool);
      return structuredClone(current);
    },
    storeBalancerDesiredState(state, pool = DEFAULT_MODEL_POOL) {
      try {
        checkUsable(pool);
      } catch (error) {
        return Promise.reject(error);
      }
      const parsed = balancerDesiredStateSchema.safeParse(state);
      if (!parsed.success) {
        const message = `Refusing to store an invalid desired state: ${formatZodError(parsed.error)}`;
        return Promise.reject(new StateDatabaseError("INVALID_STATE", message, { cause: parsed.error }));
      }
      const result = queue.then(() => applyStore(parsed.data, pool));
      // A failed store must not block the ones queued after it.
      queue = result.catch(() => undefined);
      return result;
    },
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

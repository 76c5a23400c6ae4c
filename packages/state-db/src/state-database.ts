import type { BalancerDesiredState, FleetSettings, ModelPoolName } from "@paddler/protocol";

/** A pool's desired state was stored (a store into a pool that did not exist creates it). */
export interface BalancerDesiredStateChange {
  kind: "desired_state";
  pool: ModelPoolName;
  state: BalancerDesiredState;
  origin: StateChangeOrigin;
}

/** `local`: written through this database object; `remote`: written by another balancer and read back. */
export type StateChangeOrigin = "local" | "remote";

export type StateDatabaseChange =
  | BalancerDesiredStateChange
  | { kind: "pool_deleted"; pool: ModelPoolName; origin: StateChangeOrigin }
  | { kind: "fleet_settings"; settings: FleetSettings; origin: StateChangeOrigin };

export type StateDatabaseListener = (change: StateDatabaseChange) => void;
/** @deprecated the name from before pools; every change now comes with a `kind`. */
export type BalancerDesiredStateListener = StateDatabaseListener;

/** Whether the database answers. Drivers in this process (memory, file) are always available. */
export interface StateDatabaseHealth {
  available: boolean;
  /** Epoch milliseconds of the last change of `available`. */
  since: number;
  /** Why it is unavailable (the driver's error message, never a secret); null when available. */
  reason: string | null;
}

/**
 * Where the balancer keeps its desired state: one `BalancerDesiredState` per model pool (the pool
 * `DEFAULT_MODEL_POOL` always exists and is Paddler's single desired state) plus one fleet-wide
 * `FleetSettings` document (model-name routing, pool policies, agent moves).
 *
 * Pool methods default to `DEFAULT_MODEL_POOL`. Reading or deleting a pool that does not exist
 * fails with `UNKNOWN_MODEL_POOL`; storing into one creates it. The default pool cannot be deleted
 * (`DEFAULT_POOL_REQUIRED`). Drivers validate what they store (`INVALID_STATE`) but do not check
 * that settings name existing pools: the balancer does, as it also knows the pools agents joined.
 */
export interface StateDatabase extends AsyncDisposable {
  /** The URL it was opened with, e.g. `memory://`, with any password replaced by `***`. */
  readonly url: string;
  /** A copy of the pool's desired state; mutating it changes nothing. */
  readBalancerDesiredState(pool?: ModelPoolName): Promise<BalancerDesiredState>;
  /**
   * Validates, persists, then notifies subscribers. Concurrent writes (of any kind) are applied one
   * at a time, in call order; the promise settles once the write is durable (for drivers that persist).
   */
  storeBalancerDesiredState(state: BalancerDesiredState, pool?: ModelPoolName): Promise<void>;
  /** Every stored pool, the default first, then by name. */
  listModelPools(): Promise<ModelPoolName[]>;
  /** Removes a pool's desired state. Its entry in `pool_policies` is the caller's to clear. */
  deleteModelPool(pool: ModelPoolName): Promise<void>;
  readFleetSettings(): Promise<FleetSettings>;
  storeFleetSettings(settings: FleetSettings): Promise<void>;
  /**
   * Called after each successful write, in write order, and (for shared databases) for each change
   * another balancer made, once it has been read back. Returns the unsubscribe function.
   */
  subscribe(listener: StateDatabaseListener): () => void;
  /** A shared database can go away; then writes are refused with `UNAVAILABLE` and reads serve the last state. */
  health(): StateDatabaseHealth;
  /** Called whenever `health().available` flips. Returns the unsubscribe function. */
  onHealthChange(listener: (health: StateDatabaseHealth) => void): () => void;
  /** Waits for pending writes, then refuses further reads and writes. Idempotent. */
  close(): Promise<void>;
}

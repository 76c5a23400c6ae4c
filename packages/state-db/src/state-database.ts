import type { BalancerDesiredState, FleetSettings, ModelPoolName } from "@paddler/protocol";

/** A pool's desired state was stored (a store into a pool that did not exist creates it). */
export interface BalancerDesiredStateChange {
  kind: "desired_state";
  pool: ModelPoolName;
  state: BalancerDesiredState;
}

export type StateDatabaseChange =
  | BalancerDesiredStateChange
  | { kind: "pool_deleted"; pool: ModelPoolName }
  | { kind: "fleet_settings"; settings: FleetSettings };

export type StateDatabaseListener = (change: StateDatabaseChange) => void;
/** @deprecated the name from before pools; every change now comes with a `kind`. */
export type BalancerDesiredStateListener = StateDatabaseListener;

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
  /** The URL it was opened with, e.g. `memory://` or `file:///var/lib/paddler/state.json`. */
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
  /** Called after each successful write, in write order. Returns the unsubscribe function. */
  subscribe(listener: StateDatabaseListener): () => void;
  /** Waits for pending writes, then refuses further reads and writes. Idempotent. */
  close(): Promise<void>;
}

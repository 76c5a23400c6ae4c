import type { BalancerDesiredState, ModelPoolName } from "@paddler/protocol";

export interface BalancerDesiredStateChange {
  pool: ModelPoolName;
  state: BalancerDesiredState;
}

export type BalancerDesiredStateListener = (change: BalancerDesiredStateChange) => void;

/**
 * Where the balancer keeps its desired state. Every method takes an optional model pool name,
 * defaulting to `DEFAULT_MODEL_POOL`; today only that pool exists (Paddler v4 has a single desired
 * state), and other names are refused with `UNKNOWN_MODEL_POOL`.
 */
export interface StateDatabase extends AsyncDisposable {
  /** The URL it was opened with, e.g. `memory://` or `file:///var/lib/paddler/state.json`. */
  readonly url: string;
  /** A copy of the current desired state; mutating it changes nothing. */
  readBalancerDesiredState(pool?: ModelPoolName): Promise<BalancerDesiredState>;
  /**
   * Validates, persists, then notifies subscribers. Concurrent stores are applied one at a time,
   * in call order; the promise settles once the state is durable (for drivers that persist).
   */
  storeBalancerDesiredState(state: BalancerDesiredState, pool?: ModelPoolName): Promise<void>;
  /** Called after each successful store, in store order. Returns the unsubscribe function. */
  subscribe(listener: BalancerDesiredStateListener): () => void;
  /** Waits for pending stores, then refuses further reads and stores. Idempotent. */
  close(): Promise<void>;
}

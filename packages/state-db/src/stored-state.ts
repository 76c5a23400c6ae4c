import {
  type BalancerDesiredState,
  DEFAULT_MODEL_POOL,
  defaultBalancerDesiredState,
  defaultFleetSettings,
  type FleetSettings,
  type ModelPoolName,
} from "@paddler/protocol";

/**
 * Everything a state database holds, as drivers load and persist it. `pools` always has
 * `DEFAULT_MODEL_POOL`; a SQL driver can keep one row per pool plus one settings row.
 */
export interface StoredState {
  pools: Record<ModelPoolName, BalancerDesiredState>;
  settings: FleetSettings;
}

export function defaultStoredState(): StoredState {
  return {
    pools: { [DEFAULT_MODEL_POOL]: structuredClone(defaultBalancerDesiredState) },
    settings: structuredClone(defaultFleetSettings),
  };
}

/** A stored state holding just this default pool and no settings: what a Paddler file loads as. */
export function singlePoolState(state: BalancerDesiredState): StoredState {
  return { pools: { [DEFAULT_MODEL_POOL]: state }, settings: structuredClone(defaultFleetSettings) };
}

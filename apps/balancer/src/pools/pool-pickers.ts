import type { ModelPoolName, PoolPolicy } from "@paddler/protocol";
import type { AgentPicker } from "../balancing/policies/agent-picker.js";
import { leastBusyPicker } from "../balancing/policies/least-busy-picker.js";
import { createPrefixAffinityPicker } from "../balancing/policies/prefix-affinity-picker.js";
import { createStickyPicker } from "../balancing/policies/sticky-picker.js";

function createPicker(policy: PoolPolicy): AgentPicker {
  switch (policy) {
    case "least_busy":
      return leastBusyPicker;
    case "sticky":
      return createStickyPicker();
    case "prefix_affinity":
      return createPrefixAffinityPicker();
  }
}

/** Each pool's picker, made fresh when its policy changes (sessions and prefixes start empty then). */
export function poolPickers(
  policyOf: (pool: ModelPoolName) => PoolPolicy,
): (pool: ModelPoolName) => AgentPicker {
  const pickers = new Map<ModelPoolName, { policy: PoolPolicy; picker: AgentPicker }>();
  return (pool) => {
    const policy = policyOf(pool);
    let entry = pickers.get(pool);
    if (entry?.policy !== policy) {
      entry = { policy, picker: createPicker(policy) };
      pickers.set(pool, entry);
    }
    return entry.picker;
  };
}

import { type AgentSlotCounts, pickLeastBusyAgent } from "../pick-least-busy-agent.js";
import type { AgentPicker, DispatchHint } from "./agent-picker.js";
import { PrefixIndex } from "./prefix-index.js";
import { promptPrefixBlocks } from "./prompt-prefix-blocks.js";

export interface PrefixAffinityOptions {
  /** At most this many prefix blocks are remembered per pool (see `PrefixIndex` for the memory). */
  maxBlocks?: number;
  /**
   * Below this share of the prompt found on some agent, the request goes to the least busy agent
   * instead (SGLang's cache_threshold, 0.5 there too): a short shared prefix is not worth skew.
   */
  cacheThreshold?: number;
  /**
   * The pool is imbalanced, and load decides alone, when the busiest agent runs more than
   * `balanceAbsThreshold` requests over the idlest and more than `balanceRelThreshold` times as
   * many (SGLang's two balance thresholds, scaled to llama.cpp slot counts).
   */
  balanceAbsThreshold?: number;
  balanceRelThreshold?: number;
}

function isImbalanced(agents: readonly AgentSlotCounts[], absolute: number, relative: number): boolean {
  if (agents.length < 2) return false;
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  for (const agent of agents) {
    min = Math.min(min, agent.slotsProcessing);
    max = Math.max(max, agent.slotsProcessing);
  }
  return max - min > absolute && max > min * relative;
}

/** Fewer running first, then more free slots: the same order as least busy. */
function lessBusy(a: AgentSlotCounts, b: AgentSlotCounts): boolean {
  return (
    a.slotsProcessing < b.slotsProcessing ||
    (a.slotsProcessing === b.slotsProcessing &&
      a.slotsTotal - a.slotsProcessing > b.slotsTotal - b.slotsProcessing)
  );
}

/**
 * `prefix_affinity`: send a request to the free agent that most recently computed the longest
 * prefix of its prompt, so llama.cpp reuses that KV cache instead of computing the prompt again.
 * Like SGLang's cache_aware policy it falls back to the least busy agent when the pool is
 * imbalanced or no agent holds enough of the prompt; unlike it, a full agent is never chosen
 * (requests never queue behind a warm but busy agent while another one is free).
 */
export function createPrefixAffinityPicker(options: PrefixAffinityOptions = {}): AgentPicker & {
  readonly index: PrefixIndex;
} {
  const { cacheThreshold = 0.5, balanceAbsThreshold = 2, balanceRelThreshold = 1.5 } = options;
  const index = new PrefixIndex(options.maxBlocks);
  // A buffered request is offered every freed slot; hash its prompt once.
  const blocksOf = new WeakMap<DispatchHint, string[]>();
  const blocks = (hint: DispatchHint): string[] => {
    let hashes = blocksOf.get(hint);
    if (!hashes) {
      hashes = promptPrefixBlocks(hint.request);
      blocksOf.set(hint, hashes);
    }
    return hashes;
  };

  return {
    index,
    pick(agents, hint) {
      const free = agents.filter((agent) => agent.slotsProcessing < agent.slotsTotal);
      if (free.length === 0) return null;
      const prompt = blocks(hint);
      if (prompt.length === 0 || isImbalanced(agents, balanceAbsThreshold, balanceRelThreshold))
        return pickLeastBusyAgent(free);
      const matched = index.matchedBlocks(
        prompt,
        free.map((agent) => agent.id),
      );
      let best: AgentSlotCounts | null = null;
      let bestBlocks = 0;
      for (const agent of free) {
        const blocksHeld = matched.get(agent.id) ?? 0;
        if (
          best === null ||
          blocksHeld > bestBlocks ||
          (blocksHeld === bestBlocks && lessBusy(agent, best))
        ) {
          best = agent;
          bestBlocks = blocksHeld;
        }
      }
      if (best === null || bestBlocks / prompt.length < cacheThreshold) return pickLeastBusyAgent(free);
      return best.id;
    },
    leased(agentId, hint) {
      index.record(agentId, blocks(hint));
    },
  };
}

/**
 * A bounded, approximate record of which agents recently computed which prefix blocks. Each entry
 * maps one block hash to the agents that served it; entries are kept in least-recently-used order
 * and the oldest go once there are more than `maxBlocks`. It forgets evicted prefixes on agents
 * too, so it never claims more than it saw recently: an agent's own cache may have evicted a block
 * that is still listed here, which costs a cache miss, never a wrong answer.
 *
 * Memory: about 200 bytes per entry with one or two agents (a 16-character key, a Map slot and a
 * small Set), so the default of 50,000 blocks (3.2 MB of prompt text at 64 characters a block)
 * stays under about 10 MB per pool.
 */
export class PrefixIndex {
  readonly #entries = new Map<string, Set<string>>();
  readonly #maxBlocks: number;

  constructor(maxBlocks = 50_000) {
    this.#maxBlocks = maxBlocks;
  }

  get size(): number {
    return this.#entries.size;
  }

  /**
   * How many leading blocks each agent holds, for the given agents: the run stops at the first
   * block an agent lacks, since a KV cache only reuses an unbroken prefix.
   */
  matchedBlocks(blocks: readonly string[], agentIds: readonly string[]): Map<string, number> {
    const matched = new Map<string, number>(agentIds.map((id) => [id, 0]));
    let alive = new Set(agentIds);
    for (const [index, block] of blocks.entries()) {
      const holders = this.#entries.get(block);
      if (!holders) break;
      const next = new Set<string>();
      for (const id of alive) {
        if (holders.has(id)) {
          matched.set(id, index + 1);
          next.add(id);
        }
      }
      if (next.size === 0) break;
      alive = next;
    }
    return matched;
  }

  /** Records that an agent now holds these blocks, refreshing them as most recently used. */
  record(agentId: string, blocks: readonly string[]): void {
    for (const block of blocks) {
      const holders = this.#entries.get(block) ?? new Set<string>();
      this.#entries.delete(block);
      holders.add(agentId);
      this.#entries.set(block, holders);
    }
    while (this.#entries.size > this.#maxBlocks) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
  }

  /** An agent left or was moved: its cache is gone. */
  forget(agentId: string): void {
    for (const [block, holders] of this.#entries) {
      holders.delete(agentId);
      if (holders.size === 0) this.#entries.delete(block);
    }
  }
}

export interface SlotPool<T> {
  readonly total: number;
  readonly processing: number;
  /**
   * Claims the free slot with the highest score (ties: the lowest index), or null when every
   * slot is busy. Scoring lets a request land on the slot whose KV cache already holds its prefix.
   */
  acquire(score?: (item: T) => number): T | null;
  release(item: T): void;
}

/** A fixed set of slots, each either free or running one request. */
export function createSlotPool<T>(items: readonly T[]): SlotPool<T> {
  const busy = new Set<T>();

  return {
    get total() {
      return items.length;
    },
    get processing() {
      return busy.size;
    },
    acquire(score) {
      let best: T | null = null;
      let bestScore = Number.NEGATIVE_INFINITY;
      for (const item of items) {
        if (busy.has(item)) continue;
        const itemScore = score ? score(item) : 0;
        if (itemScore > bestScore) {
          best = item;
          bestScore = itemScore;
        }
      }
      if (best !== null) busy.add(best);
      return best;
    },
    release(item) {
      busy.delete(item);
    },
  };
}

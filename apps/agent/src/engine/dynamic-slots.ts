/**
 * Slots whose number follows what an upstream server reports. Each slot is an index (llama-server's
 * `id_slot`); when the count shrinks, busy slots beyond it stay busy until released.
 */
export class DynamicSlots {
  #total = 0;
  readonly #busy = new Set<number>();

  get total(): number {
    return this.#total;
  }

  get processing(): number {
    return this.#busy.size;
  }

  resize(total: number): void {
    this.#total = total;
  }

  /** The lowest free slot index, or null when every slot is busy. */
  acquire(): number | null {
    for (let index = 0; index < this.#total; index++) {
      if (!this.#busy.has(index)) {
        this.#busy.add(index);
        return index;
      }
    }
    return null;
  }

  release(index: number): void {
    this.#busy.delete(index);
  }
}

export type QueueTake<T> =
  | { kind: "item"; item: T }
  | { kind: "closed"; reason: unknown }
  | { kind: "timeout" }
  | { kind: "aborted" };

/** Who takes a queue's items as they come, by a plain call (see `AsyncQueue.listen`). */
export interface QueueListener<T> {
  item(item: T): void;
  closed(reason: unknown): void;
}

/**
 * A single-consumer queue between a socket callback and its reader. Two ways to read: `take()`
 * (an async loop, with a per-take timeout and abort: the management RPCs), or `listen()`, which
 * hands every item to a callback the moment it is pushed. The hot path listens: a relayed token then
 * costs a function call instead of a promise, a timer and an abort listener per take.
 */
export class AsyncQueue<T> {
  readonly #items: T[] = [];
  #closed: { reason: unknown } | null = null;
  #wake: (() => void) | null = null;
  #listener: QueueListener<T> | null = null;

  push(item: T): void {
    if (this.#closed) return;
    if (this.#listener) {
      this.#listener.item(item);
      return;
    }
    this.#items.push(item);
    this.#wake?.();
  }

  close(reason: unknown): void {
    if (this.#closed) return;
    this.#closed = { reason };
    if (this.#listener) {
      this.#listener.closed(reason);
      return;
    }
    this.#wake?.();
  }

  get isClosed(): boolean {
    return this.#closed !== null;
  }

  /**
   * From now on items go straight to `listener` (the ones already queued first, in order, then the
   * close if it came); null goes back to queueing. Replaces any earlier listener.
   */
  listen(listener: QueueListener<T> | null): void {
    this.#listener = listener;
    if (!listener) return;
    while (this.#listener === listener) {
      const item = this.#items.shift();
      if (item === undefined) break;
      listener.item(item);
    }
    if (this.#listener === listener && this.#closed) listener.closed(this.#closed.reason);
  }

  /** The next item, or why there is none; `timeoutMs` null waits as long as it takes. */
  async take(timeoutMs: number | null, signal?: AbortSignal): Promise<QueueTake<T>> {
    for (;;) {
      const item = this.#items.shift();
      if (item !== undefined) return { kind: "item", item };
      if (this.#closed) return { kind: "closed", reason: this.#closed.reason };
      if (signal?.aborted) return { kind: "aborted" };
      const outcome = await new Promise<"wake" | "timeout" | "aborted">((resolve) => {
        const timer = timeoutMs === null ? undefined : setTimeout(() => finish("timeout"), timeoutMs);
        const onAbort = () => finish("aborted");
        const finish = (result: "wake" | "timeout" | "aborted") => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
          this.#wake = null;
          resolve(result);
        };
        this.#wake = () => finish("wake");
        signal?.addEventListener("abort", onAbort, { once: true });
      });
      if (outcome === "timeout") return { kind: "timeout" };
      if (outcome === "aborted") return { kind: "aborted" };
    }
  }
}

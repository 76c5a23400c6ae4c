export type QueueTake<T> =
  | { kind: "item"; item: T }
  | { kind: "closed"; reason: unknown }
  | { kind: "timeout" }
  | { kind: "aborted" };

/**
 * A single-consumer queue between a socket callback and an async loop, with a per-take timeout
 * (the item timeout between tokens) and abort.
 */
export class AsyncQueue<T> {
  readonly #items: T[] = [];
  #closed: { reason: unknown } | null = null;
  #wake: (() => void) | null = null;

  push(item: T): void {
    if (this.#closed) return;
    this.#items.push(item);
    this.#wake?.();
  }

  close(reason: unknown): void {
    if (this.#closed) return;
    this.#closed = { reason };
    this.#wake?.();
  }

  get isClosed(): boolean {
    return this.#closed !== null;
  }

  async take(timeoutMs: number, signal?: AbortSignal): Promise<QueueTake<T>> {
    for (;;) {
      const item = this.#items.shift();
      if (item !== undefined) return { kind: "item", item };
      if (this.#closed) return { kind: "closed", reason: this.#closed.reason };
      if (signal?.aborted) return { kind: "aborted" };
      const outcome = await new Promise<"wake" | "timeout" | "aborted">((resolve) => {
        const timer = setTimeout(() => finish("timeout"), timeoutMs);
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

/**
 * A push-based queue read by `for await`. Producers `push`, then `end` or `fail`;
 * `onReturn` runs once when the consumer stops early (break, return, throw) or the queue settles.
 */
export interface AsyncQueue<T> extends AsyncIterableIterator<T> {
  push(value: T): void;
  end(): void;
  fail(error: unknown): void;
  readonly settled: boolean;
}

export function createAsyncQueue<T>(onReturn?: () => void): AsyncQueue<T> {
  const buffer: T[] = [];
  const waiters: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void }[] = [];
  let state: "open" | "ended" | "failed" = "open";
  let failure: unknown;
  let cleanedUp = false;

  const cleanup = () => {
    if (cleanedUp) return;
    cleanedUp = true;
    onReturn?.();
  };

  const settle = () => {
    while (waiters.length > 0) {
      const waiter = waiters.shift();
      if (!waiter) break;
      if (state === "failed") waiter.reject(failure);
      else waiter.resolve({ value: undefined, done: true });
    }
  };

  const queue: AsyncQueue<T> = {
    get settled() {
      return state !== "open";
    },
    push(value) {
      if (state !== "open") return;
      const waiter = waiters.shift();
      if (waiter) waiter.resolve({ value, done: false });
      else buffer.push(value);
    },
    end() {
      if (state !== "open") return;
      state = "ended";
      cleanup();
      settle();
    },
    fail(error) {
      if (state !== "open") return;
      state = "failed";
      failure = error;
      cleanup();
      settle();
    },
    next() {
      if (buffer.length > 0) return Promise.resolve({ value: buffer.shift() as T, done: false });
      if (state === "ended") return Promise.resolve({ value: undefined, done: true });
      if (state === "failed") {
        // Report a failure once, then behave as finished.
        state = "ended";
        return Promise.reject(failure);
      }
      return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
    },
    return() {
      buffer.length = 0;
      if (state === "open") state = "ended";
      cleanup();
      settle();
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return queue;
    },
  };
  return queue;
}

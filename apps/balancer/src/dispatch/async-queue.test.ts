import { describe, expect, it } from "vitest";
import { AsyncQueue } from "./async-queue.js";

describe("AsyncQueue", () => {
  it("delivers items in order, then the close reason", async () => {
    const queue = new AsyncQueue<number>();
    queue.push(1);
    setTimeout(() => {
      queue.push(2);
      queue.close("gone");
    }, 5);
    expect(await queue.take(1000)).toEqual({ kind: "item", item: 1 });
    expect(await queue.take(1000)).toEqual({ kind: "item", item: 2 });
    expect(await queue.take(1000)).toEqual({ kind: "closed", reason: "gone" });
  });

  it("times out and aborts", async () => {
    const queue = new AsyncQueue<number>();
    expect(await queue.take(1)).toEqual({ kind: "timeout" });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 5);
    expect(await queue.take(10_000, controller.signal)).toEqual({ kind: "aborted" });
  });
});

describe("AsyncQueue listeners", () => {
  it("hands queued items, then new ones, then the close, to a listener by plain calls", () => {
    const queue = new AsyncQueue<number>();
    const seen: string[] = [];
    queue.push(1);
    queue.listen({
      item: (item) => seen.push(`item ${item}`),
      closed: (reason) => seen.push(`closed ${reason}`),
    });
    expect(seen).toEqual(["item 1"]);
    queue.push(2);
    // Synchronously: no promise between the push and the listener.
    expect(seen).toEqual(["item 1", "item 2"]);
    queue.close("gone");
    queue.push(3);
    expect(seen).toEqual(["item 1", "item 2", "closed gone"]);
  });

  it("queues again once the listener is removed", async () => {
    const queue = new AsyncQueue<number>();
    const seen: number[] = [];
    queue.listen({ item: (item) => seen.push(item), closed: () => {} });
    queue.push(1);
    queue.listen(null);
    queue.push(2);
    expect(seen).toEqual([1]);
    expect(await queue.take(1000)).toEqual({ kind: "item", item: 2 });
  });

  it("tells a listener attached after the close at once", () => {
    const queue = new AsyncQueue<number>();
    queue.close("gone");
    const reasons: unknown[] = [];
    queue.listen({ item: () => {}, closed: (reason) => reasons.push(reason) });
    expect(reasons).toEqual(["gone"]);
  });
});

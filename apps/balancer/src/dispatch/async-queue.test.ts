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

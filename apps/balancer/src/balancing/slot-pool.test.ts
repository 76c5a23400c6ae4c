import { afterEach, describe, expect, it, vi } from "vitest";
import {
  BufferOverflowError,
  RequestAbortedError,
  ShuttingDownError,
  SlotWaitTimeoutError,
} from "../errors.js";
import { CircuitBreaker } from "./circuit-breaker.js";
import { SlotPool } from "./slot-pool.js";

function pool(overrides: Partial<ConstructorParameters<typeof SlotPool>[0]> = {}) {
  return new SlotPool({ maxBufferedRequests: 10, bufferedRequestTimeoutMs: 1000, ...overrides });
}

describe("SlotPool", () => {
  afterEach(() => vi.useRealTimers());

  it("spreads leases over agents and never exceeds an agent's slots", async () => {
    const slots = pool();
    slots.setAgentSlots("a", 2);
    slots.setAgentSlots("b", 2);
    const leases = await Promise.all([slots.acquire(), slots.acquire(), slots.acquire(), slots.acquire()]);
    expect(leases.map((l) => l.agentId).sort()).toEqual(["a", "a", "b", "b"]);
    expect(slots.slotsProcessing("a")).toBe(2);
    expect(slots.bufferedCount).toBe(0);
    const fifth = slots.acquire();
    expect(slots.bufferedCount).toBe(1);
    leases[0]?.release();
    leases[0]?.release(); // idempotent
    await expect(fifth).resolves.toMatchObject({ agentId: leases[0]?.agentId });
    expect(slots.slotsProcessing(leases[0]?.agentId ?? "")).toBe(2);
  });

  it("serves waiting requests first come, first served", async () => {
    const slots = pool();
    slots.setAgentSlots("a", 1);
    const first = await slots.acquire();
    const order: number[] = [];
    const waiting = [1, 2, 3].map((n) =>
      slots.acquire().then((lease) => {
        order.push(n);
        return lease;
      }),
    );
    first.release();
    (await waiting[0])?.release();
    (await waiting[1])?.release();
    await waiting[2];
    expect(order).toEqual([1, 2, 3]);
  });

  it("refuses at once when the buffer is full, and with buffering off", async () => {
    const slots = pool({ maxBufferedRequests: 1 });
    const waiting = slots.acquire();
    await expect(slots.acquire()).rejects.toBeInstanceOf(BufferOverflowError);
    const off = pool({ maxBufferedRequests: 0 });
    await expect(off.acquire()).rejects.toBeInstanceOf(BufferOverflowError);
    slots.rejectAllWaiters(new ShuttingDownError());
    await expect(waiting).rejects.toBeInstanceOf(ShuttingDownError);
  });

  it("times out a waiting request", async () => {
    vi.useFakeTimers();
    const slots = pool({ bufferedRequestTimeoutMs: 50 });
    const waiting = slots.acquire();
    const assertion = expect(waiting).rejects.toBeInstanceOf(SlotWaitTimeoutError);
    await vi.advanceTimersByTimeAsync(60);
    await assertion;
    expect(slots.bufferedCount).toBe(0);
  });

  it("scales from zero: a request waits for an agent to appear", async () => {
    const slots = pool();
    const waiting = slots.acquire();
    slots.setAgentSlots("loading", 0);
    expect(slots.bufferedCount).toBe(1);
    slots.setAgentSlots("loading", 4);
    await expect(waiting).resolves.toMatchObject({ agentId: "loading" });
  });

  it("drops an aborted waiter from the buffer", async () => {
    const slots = pool();
    const controller = new AbortController();
    const waiting = slots.acquire(controller.signal);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(RequestAbortedError);
    expect(slots.bufferedCount).toBe(0);
  });

  it("forgets a removed agent's counts", async () => {
    const slots = pool();
    slots.setAgentSlots("a", 1);
    const lease = await slots.acquire();
    slots.removeAgent("a");
    slots.setAgentSlots("a", 1);
    lease.release();
    expect(slots.slotsProcessing("a")).toBe(0);
  });

  it("leaves an agent with an open circuit out, and tries it again after the cool-down", async () => {
    vi.useFakeTimers();
    const breaker = new CircuitBreaker({ failureThreshold: 2, windowMs: 10_000, cooldownMs: 500 });
    const slots = pool({ circuitBreaker: breaker, now: () => Date.now(), bufferedRequestTimeoutMs: 5000 });
    slots.setAgentSlots("flaky", 4);
    slots.reportOutcome("flaky", "failure");
    slots.reportOutcome("flaky", "failure");
    const waiting = slots.acquire();
    expect(slots.bufferedCount).toBe(1);
    slots.setAgentSlots("healthy", 1);
    const first = await waiting;
    expect(first.agentId).toBe("healthy");
    const trial = slots.acquire();
    expect(slots.bufferedCount).toBe(1);
    await vi.advanceTimersByTimeAsync(500);
    await expect(trial).resolves.toMatchObject({ agentId: "flaky" });
    // Half-open: only the one trial goes until it settles.
    const next = slots.acquire();
    expect(slots.bufferedCount).toBe(1);
    slots.reportOutcome("flaky", "success");
    first.release();
    await expect(next).resolves.toBeDefined();
  });

  it("wakes a waiting request once a trial whose outcome never came stops blocking", async () => {
    vi.useFakeTimers();
    const breaker = new CircuitBreaker({ failureThreshold: 1, windowMs: 10_000, cooldownMs: 500 });
    const slots = pool({ circuitBreaker: breaker, now: () => Date.now(), bufferedRequestTimeoutMs: 60_000 });
    slots.setAgentSlots("flaky", 2);
    slots.reportOutcome("flaky", "failure");
    await vi.advanceTimersByTimeAsync(500);
    // The trial goes, and its client cancels it: no outcome is ever recorded.
    const trial = await slots.acquire();
    trial.release();
    const waiting = slots.acquire();
    expect(slots.bufferedCount).toBe(1);
    // Nothing else changes in the pool: only the end of the trial's cool-down can let it in.
    await vi.advanceTimersByTimeAsync(500);
    await expect(waiting).resolves.toMatchObject({ agentId: "flaky" });
  });

  it("refuses everything with 503 once shut down, waiting requests included", async () => {
    const slots = pool();
    const waiting = slots.acquire();
    slots.shutDown();
    await expect(waiting).rejects.toBeInstanceOf(ShuttingDownError);
    slots.setAgentSlots("a", 1);
    await expect(slots.acquire()).rejects.toBeInstanceOf(ShuttingDownError);
  });
});

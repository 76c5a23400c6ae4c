import { describe, expect, it } from "vitest";
import { CircuitBreaker } from "./circuit-breaker.js";

const options = { failureThreshold: 3, windowMs: 1000, cooldownMs: 5000 };

function failTimes(breaker: CircuitBreaker, times: number, at: number) {
  let reopenAt: number | null = null;
  for (let i = 0; i < times; i++) reopenAt = breaker.record("a", "failure", at + i) ?? reopenAt;
  return reopenAt;
}

describe("CircuitBreaker", () => {
  it("opens after the threshold of consecutive failures and keeps the agent out for the cool-down", () => {
    const breaker = new CircuitBreaker(options);
    expect(failTimes(breaker, 2, 0)).toBeNull();
    expect(breaker.allows("a", 2)).toBe(true);
    expect(breaker.record("a", "failure", 2)).toBe(5002);
    expect(breaker.state("a", 3)).toBe("open");
    expect(breaker.allows("a", 5001)).toBe(false);
    expect(breaker.allows("b", 3)).toBe(true);
  });

  it("a success in between starts the count again", () => {
    const breaker = new CircuitBreaker(options);
    failTimes(breaker, 2, 0);
    breaker.record("a", "success", 3);
    expect(failTimes(breaker, 2, 4)).toBeNull();
    expect(breaker.state("a", 10)).toBe("closed");
  });

  it("failures further apart than the window do not add up", () => {
    const breaker = new CircuitBreaker(options);
    for (const at of [0, 2000, 4000, 6000]) expect(breaker.record("a", "failure", at)).toBeNull();
    expect(breaker.state("a", 6001)).toBe("closed");
  });

  it("after the cool-down lets one trial through; its success closes the circuit", () => {
    const breaker = new CircuitBreaker(options);
    failTimes(breaker, 3, 0);
    expect(breaker.state("a", 5002)).toBe("half-open");
    expect(breaker.allows("a", 5002)).toBe(true);
    breaker.dispatched("a", 5002);
    expect(breaker.allows("a", 5003)).toBe(false);
    breaker.record("a", "success", 5100);
    expect(breaker.state("a", 5101)).toBe("closed");
    expect(breaker.allows("a", 5101)).toBe(true);
  });

  it("a failed trial opens the circuit for another cool-down", () => {
    const breaker = new CircuitBreaker(options);
    failTimes(breaker, 3, 0);
    breaker.dispatched("a", 6000);
    expect(breaker.record("a", "failure", 6100)).toBe(11_100);
    expect(breaker.allows("a", 11_000)).toBe(false);
    expect(breaker.allows("a", 11_100)).toBe(true);
  });

  it("threshold 0 never opens", () => {
    const breaker = new CircuitBreaker({ ...options, failureThreshold: 0 });
    expect(failTimes(breaker, 100, 0)).toBeNull();
    expect(breaker.allows("a", 101)).toBe(true);
  });

  it("a trial that never reports (cancelled) stops blocking after another cool-down", () => {
    const breaker = new CircuitBreaker(options);
    failTimes(breaker, 3, 0);
    breaker.dispatched("a", 6000);
    expect(breaker.allows("a", 10_999)).toBe(false);
    expect(breaker.allows("a", 11_000)).toBe(true);
  });
});

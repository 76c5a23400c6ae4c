import { describe, expect, it } from "vitest";
import { type LeaseRecord, reconcileLeases } from "./reconcile-leases.js";

const graceMs = 3000;

function leases(entries: Record<string, number>): Map<string, LeaseRecord> {
  return new Map(Object.entries(entries).map(([id, sentAt]) => [id, { sentAt, missingSince: null }]));
}

describe("reconcileLeases", () => {
  it("keeps a lease the agent runs, and one the agent has not reported yet", () => {
    const held = leases({ a: 0, b: 9000 });
    const strays = new Map<string, number>();
    expect(reconcileLeases({ leases: held, strays, runningOnAgent: ["a"], now: 10_000, graceMs })).toEqual({
      release: [],
      cancelOnAgent: [],
    });
    // b is young: still on its way, however many reports leave it out.
    expect(reconcileLeases({ leases: held, strays, runningOnAgent: ["a"], now: 11_000, graceMs })).toEqual({
      release: [],
      cancelOnAgent: [],
    });
  });

  it("releases a lease the agent leaves out for the whole grace period", () => {
    const held = leases({ lost: 0 });
    const strays = new Map<string, number>();
    const at = (now: number, running: string[]) =>
      reconcileLeases({ leases: held, strays, runningOnAgent: running, now, graceMs }).release;
    expect(at(5000, [])).toEqual([]);
    // Listed again in between: the clock starts over.
    expect(at(6000, ["lost"])).toEqual([]);
    expect(at(7000, [])).toEqual([]);
    expect(at(9999, [])).toEqual([]);
    expect(at(10_000, [])).toEqual(["lost"]);
  });

  it("stops a request the agent runs with no lease here, once it outlasts the grace period", () => {
    const held = leases({});
    const strays = new Map<string, number>();
    const at = (now: number, running: string[]) =>
      reconcileLeases({ leases: held, strays, runningOnAgent: running, now, graceMs }).cancelOnAgent;
    expect(at(0, ["ghost", "gone"])).toEqual([]);
    expect(at(1000, ["ghost"])).toEqual([]);
    expect(strays.has("gone")).toBe(false);
    expect(at(3000, ["ghost"])).toEqual(["ghost"]);
    // Asked once per grace period while it keeps running.
    expect(at(4000, ["ghost"])).toEqual([]);
    expect(at(6000, ["ghost"])).toEqual(["ghost"]);
    expect(at(7000, [])).toEqual([]);
    expect(strays.size).toBe(0);
  });

  it("keeps a lease whose request the agent had not read when it took its reports, however late they come", () => {
    // The agent's event loop stalled right after the balancer sent the request (frame 7): the
    // reports that arrive were taken before the agent read it, then the agent answers it.
    const held = new Map<string, LeaseRecord>([["unread", { sentAt: 0, missingSince: null, frame: 7 }]]);
    const strays = new Map<string, number>();
    const at = (now: number, framesReceived: number) =>
      reconcileLeases({ leases: held, strays, runningOnAgent: [], framesReceived, now, graceMs }).release;
    expect(at(100, 6)).toEqual([]);
    expect(at(5000, 6)).toEqual([]);
    expect(at(20_000, 6)).toEqual([]);
    // Once a report covers the frame and still leaves the request out, the grace starts.
    expect(at(20_100, 7)).toEqual([]);
    expect(at(23_100, 7)).toEqual(["unread"]);
  });
});

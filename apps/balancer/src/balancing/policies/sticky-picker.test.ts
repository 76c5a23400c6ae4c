import { describe, expect, it } from "vitest";
import type { AgentSlotCounts } from "../pick-least-busy-agent.js";
import { createStickyPicker } from "./sticky-picker.js";

const agents = (...busy: number[]): AgentSlotCounts[] =>
  busy.map((slotsProcessing, index) => ({ id: `a${index}`, slotsProcessing, slotsTotal: 2 }));

describe("sticky picker", () => {
  it("keeps a session on its agent while it has a free slot and the TTL has not run out", () => {
    let now = 0;
    const picker = createStickyPicker({ ttlMs: 180_000, now: () => now });
    const hint = { sessionKey: "alice" };
    expect(picker.pick(agents(0, 0), hint)).toBe("a0");
    picker.leased?.("a0", hint);
    // Busier than a1, still its agent.
    expect(picker.pick(agents(1, 0), hint)).toBe("a0");
    // Full: the least busy agent takes it and becomes its agent.
    expect(picker.pick(agents(2, 0), hint)).toBe("a1");
    picker.leased?.("a1", hint);
    expect(picker.pick(agents(0, 1), hint)).toBe("a1");
    // Three minutes without a request: the session is forgotten.
    now += 180_001;
    expect(picker.pick(agents(0, 1), hint)).toBe("a0");
    // No key: least busy.
    expect(picker.pick(agents(1, 0), {})).toBe("a1");
  });

  it("remembers at most maxSessions sessions, forgetting the least recently used", () => {
    const picker = createStickyPicker({ maxSessions: 2 });
    for (const key of ["a", "b", "c"]) picker.leased?.("a1", { sessionKey: key });
    expect(picker.sessions).toBe(2);
    expect(picker.pick(agents(0, 0), { sessionKey: "a" })).toBe("a0");
    expect(picker.pick(agents(0, 0), { sessionKey: "c" })).toBe("a1");
  });
});

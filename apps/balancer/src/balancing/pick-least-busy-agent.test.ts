import { describe, expect, it } from "vitest";
import { pickLeastBusyAgent } from "./pick-least-busy-agent.js";

describe("pickLeastBusyAgent", () => {
  it("returns null when no agent has a free slot", () => {
    expect(pickLeastBusyAgent([])).toBeNull();
    expect(pickLeastBusyAgent([{ id: "a", slotsProcessing: 2, slotsTotal: 2 }])).toBeNull();
    expect(pickLeastBusyAgent([{ id: "loading", slotsProcessing: 0, slotsTotal: 0 }])).toBeNull();
  });

  it("takes the agent running the fewest requests", () => {
    const agents = [
      { id: "a", slotsProcessing: 2, slotsTotal: 4 },
      { id: "b", slotsProcessing: 1, slotsTotal: 4 },
      { id: "c", slotsProcessing: 3, slotsTotal: 4 },
    ];
    expect(pickLeastBusyAgent(agents)).toBe("b");
  });

  it("breaks ties by free slots, then by order", () => {
    expect(
      pickLeastBusyAgent([
        { id: "small", slotsProcessing: 1, slotsTotal: 2 },
        { id: "big", slotsProcessing: 1, slotsTotal: 8 },
      ]),
    ).toBe("big");
    expect(
      pickLeastBusyAgent([
        { id: "first", slotsProcessing: 0, slotsTotal: 2 },
        { id: "second", slotsProcessing: 0, slotsTotal: 2 },
      ]),
    ).toBe("first");
  });

  it("never picks an agent over its slots, even when it reports fewer slots than it runs", () => {
    expect(pickLeastBusyAgent([{ id: "shrunk", slotsProcessing: 3, slotsTotal: 1 }])).toBeNull();
  });
});

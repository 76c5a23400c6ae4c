import { describe, expect, it } from "vitest";
import { defaultAutoscalingRule, desiredAgents, type PoolLoad } from "./desired-agents.js";

const idle: PoolLoad = {
  agents: 2,
  slotsTotal: 8,
  busySlots: 0,
  bufferedRequests: 0,
  oldestBufferedWaitMs: 0,
};
const rule = defaultAutoscalingRule;

describe("desiredAgents", () => {
  it("asks for none when nothing runs and nothing waits (scale to zero)", () => {
    expect(desiredAgents(idle, rule)).toEqual({ desired: 0, slotsPerAgent: 4 });
    expect(desiredAgents({ ...idle, agents: 0, slotsTotal: 0 }, rule).desired).toBe(0);
  });

  it("sizes the fleet so busy slots plus the buffer fill it to the target utilization", () => {
    // 6 busy of 4-slot agents at 0.8: 6 / 3.2 = 1.875, so 2 agents.
    expect(desiredAgents({ ...idle, busySlots: 6 }, rule).desired).toBe(2);
    // 8 busy and 4 waiting briefly: 12 / 3.2 = 3.75, so 4.
    expect(
      desiredAgents({ ...idle, busySlots: 8, bufferedRequests: 4, oldestBufferedWaitMs: 100 }, rule).desired,
    ).toBe(4);
    expect(desiredAgents({ ...idle, busySlots: 1 }, { ...rule, targetUtilization: 1 }).desired).toBe(1);
  });

  it("asks for one agent from zero when a request waits, using the configured slots per agent", () => {
    expect(desiredAgents({ ...idle, agents: 0, slotsTotal: 0, bufferedRequests: 1 }, rule)).toEqual({
      desired: 1,
      slotsPerAgent: 4,
    });
  });

  it("adds an agent while the oldest buffered request has waited too long", () => {
    const load = { ...idle, busySlots: 2, bufferedRequests: 1, oldestBufferedWaitMs: 2500 };
    expect(desiredAgents(load, rule).desired).toBe(3);
    expect(desiredAgents({ ...load, oldestBufferedWaitMs: 10 }, rule).desired).toBe(1);
  });

  it("learns slots per agent from the agents that have loaded a model", () => {
    expect(desiredAgents({ ...idle, agents: 3, slotsTotal: 24, busySlots: 20 }, rule)).toEqual({
      desired: 4,
      slotsPerAgent: 8,
    });
  });
});

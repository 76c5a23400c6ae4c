import { describe, expect, it } from "vitest";
import { AgentController } from "../../agents/agent-controller.js";
import { AgentRegistry } from "../../agents/agent-registry.js";
import { SlotPool } from "../../balancing/slot-pool.js";
import { SlotPools } from "../../balancing/slot-pools.js";
import { statusSnapshot } from "../../testing/scripted-agent.js";
import { startFleetHistory } from "./start-fleet-history.js";

describe("the agent timeline of the fleet history", () => {
  it("records an operator's drain and let back however soon they follow a join and each other", () => {
    const slots = new SlotPools(
      () => new SlotPool({ maxBufferedRequests: 1, bufferedRequestTimeoutMs: 1000 }),
    );
    const registry = new AgentRegistry(slots);
    const fleet = startFleetHistory({ registry, slots });
    try {
      registry.add(
        new AgentController({
          id: "a1",
          name: "gpu-1",
          snapshot: statusSnapshot(1, 1),
          connection: { send: () => undefined, close: () => undefined },
        }),
        null,
      );
      // All within the timeline's 50 ms sampling window (synchronous here).
      registry.setDrained("a1", true);
      registry.setDrained("a1", false);
      registry.setDrained("a1", true);
      expect(fleet.agentTimeline.events().map((event) => event.kind)).toEqual([
        "joined",
        "drained",
        "undrained",
        "drained",
      ]);
    } finally {
      fleet.close();
    }
  });
});

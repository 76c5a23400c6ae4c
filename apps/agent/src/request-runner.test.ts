import { silentLogger } from "@paddler/logger";
import { type AgentToBalancerMessage, isTerminalGeneratedTokenResult } from "@paddler/protocol";
import { describe, expect, it } from "vitest";
import { greedyTestState, loadTestEngine } from "./engine/testing/load-test-engine.js";
import { RequestRunner } from "./request-runner.js";

// Seen in CI as the balancer's 502 "The agent is not running this request any more": a request
// that reached the agent just as a reload began ran on the engine being unloaded, which ended its
// stream without a word, so the agent never answered it and the balancer healed the lease seconds later.
describe("a request handed to an engine that is being unloaded", () => {
  it("still gets its one terminal reply", async () => {
    const loaded = await loadTestEngine({ desiredState: greedyTestState({ contextSize: 512 }), slots: 1 });
    const sent: AgentToBalancerMessage[] = [];
    const runner = new RequestRunner({
      engine: () => loaded.engine,
      chatTemplateOverride: () => null,
      send: (message) => sent.push(message),
      onRunningChanged: () => {},
      logger: silentLogger(),
    });
    try {
      runner.run("late", { ContinueFromRawPrompt: { raw_prompt: "Once upon a time", max_tokens: 5 } });
      // What the reconciler does next when it found nothing running a moment before.
      await loaded.engine[Symbol.asyncDispose]();
      await runner.drained();
      const terminals = sent.filter(
        (message) =>
          "Response" in message &&
          typeof message.Response.response === "object" &&
          "GeneratedToken" in message.Response.response &&
          isTerminalGeneratedTokenResult(message.Response.response.GeneratedToken),
      );
      expect(terminals).toHaveLength(1);
      expect(JSON.stringify(terminals[0])).toContain("reloading or unloading its model");
    } finally {
      await loaded.factory[Symbol.asyncDispose]();
    }
  });
});

import type { InferenceClientMessage } from "@paddler/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contentText, postJson, readNdjson } from "./ndjson.js";
import { startTestCluster, type TestCluster } from "./test-cluster.js";

const longStory = { raw_prompt: "Once upon a time", max_tokens: 400 };

function generatedBy(messages: InferenceClientMessage[]): string | null {
  const first = messages.find((message) => "Response" in message);
  return first && "Response" in first ? first.Response.generated_by : null;
}

describe("slot-aware dispatch over real agents", () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startTestCluster({
      agents: [
        { slots: 2, name: "left" },
        { slots: 2, name: "right" },
      ],
    });
    await cluster.waitForSlots(4);
  });
  afterAll(() => cluster.close());

  it("spreads eight concurrent requests over two agents of two slots, never over their slots", async () => {
    const peak = new Map<string, number>();
    let overSlots = false;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        for (const agent of (await cluster.agentsSnapshot()).agents) {
          peak.set(
            agent.name ?? agent.id,
            Math.max(peak.get(agent.name ?? agent.id) ?? 0, agent.slots_processing),
          );
          if (agent.slots_processing > agent.slots_total) overSlots = true;
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        postJson(`${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`, longStory).then(readNdjson),
      ),
    );
    sampling = false;
    await sampler;
    for (const messages of results) {
      expect(messages.at(-1)).toMatchObject({ Response: { response: { GeneratedToken: { Done: {} } } } });
      expect(contentText(messages).length).toBeGreaterThan(0);
    }
    const served = new Map<string, number>();
    for (const messages of results) {
      const agent = generatedBy(messages) ?? "?";
      served.set(agent, (served.get(agent) ?? 0) + 1);
    }
    expect(served.get("left")).toBeGreaterThan(0);
    expect(served.get("right")).toBeGreaterThan(0);
    expect(peak.get("left")).toBe(2);
    expect(peak.get("right")).toBe(2);
    expect(overSlots).toBe(false);
    const after = await cluster.agentsSnapshot();
    expect(after.agents.map((agent) => agent.slots_processing)).toEqual([0, 0]);
  });
});

describe("continuous batching on one agent", () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startTestCluster({ agents: [{ slots: 4, name: "solo" }] });
    await cluster.waitForSlots(4);
  });
  afterAll(() => cluster.close());

  it("runs N requests at once on one agent's N slots, their tokens interleaving", async () => {
    const arrivals: { request: number; kind: "token" | "done" }[] = [];
    await Promise.all(
      Array.from({ length: 4 }, async (_, request) => {
        const response = await postJson(`${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`, {
          raw_prompt: `Tom had ${request} dogs`,
          max_tokens: 300,
        });
        const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = "";
        for (;;) {
          const chunk = await reader?.read();
          if (!chunk || chunk.done) break;
          buffer += chunk.value;
          const lines = buffer.split("\n");
          buffer = lines.pop() ?? "";
          for (const line of lines.filter(Boolean)) {
            arrivals.push({ request, kind: line.includes('"Done"') ? "done" : "token" });
          }
        }
      }),
    );
    // Every request produced tokens before the first one finished: they ran at the same time.
    const firstDone = arrivals.findIndex((arrival) => arrival.kind === "done");
    const startedBeforeFirstDone = new Set(arrivals.slice(0, firstDone).map((arrival) => arrival.request));
    expect(startedBeforeFirstDone.size).toBe(4);
  });
});

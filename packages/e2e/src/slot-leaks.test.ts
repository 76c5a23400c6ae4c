import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postJson } from "./ndjson.js";
import { type OpenAITestCluster, startOpenAICluster } from "./openai/openai-cluster.js";

// Reproduction 2 of issue 12: a non-streaming `POST /v1/completions` with `"max_tokens": 0`
// answered 200 and left the balancer's slot count one higher for good; two of them took a 2-slot
// agent out. The slot must be free by the time the answer arrives, not healed seconds later.
describe("slots after requests that end at once", () => {
  let setup: OpenAITestCluster;
  const busy = async () =>
    (await setup.cluster.agentsSnapshot()).agents.reduce((sum, agent) => sum + agent.slots_processing, 0);
  beforeAll(async () => {
    setup = await startOpenAICluster({ slots: 2 });
  });
  afterAll(() => setup.cluster.close());

  it("frees the slot of a non-streaming completion with max_tokens 0 before it answers", async () => {
    for (let i = 0; i < 3; i++) {
      const response = await postJson(`${setup.baseUrl}/completions`, {
        model: "any",
        prompt: "Once upon a time",
        max_tokens: 0,
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { choices: { text: string }[] };
      expect(body.choices[0]?.text).toBe("");
      expect(await busy()).toBe(0);
    }
    const story = await setup.openai.completions.create({ model: "any", prompt: "Lily", max_tokens: 4 });
    expect(story.choices[0]?.finish_reason).toBeDefined();
    expect(await busy()).toBe(0);
  });

  it("frees the slot of every other request that ends at its first event", async () => {
    const chat = await postJson(`${setup.baseUrl}/chat/completions`, {
      model: "any",
      messages: [{ role: "user", content: "Hi" }],
      max_completion_tokens: 1,
    });
    expect(chat.status).toBe(200);
    await chat.json();
    expect(await busy()).toBe(0);
    const native = await postJson(`${setup.cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`, {
      raw_prompt: "Lily",
      max_tokens: 0,
    });
    await native.text();
    expect(await busy()).toBe(0);
  });
});

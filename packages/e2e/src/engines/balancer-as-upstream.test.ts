import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contentText, postJson, readNdjson } from "../ndjson.js";
import { type OpenAITestCluster, startOpenAICluster, waitForIdleSlots } from "../openai/openai-cluster.js";
import { startTestCluster, type TestCluster } from "../test-cluster.js";
import { startEngineAgent, waitForAgent } from "./engine-agent.js";

// A balancer whose agent's engine is another of our balancers' OpenAI service: the back one runs
// the built-in engine on the real model; the front one sees only an OpenAI-compatible upstream.
describe("an agent in front of another balancer's OpenAI service", () => {
  let back: OpenAITestCluster;
  let front: TestCluster;
  let frontOpenAI: OpenAI;

  beforeAll(async () => {
    back = await startOpenAICluster({ slots: 2 });
    front = await startTestCluster({
      balancer: { compatOpenaiAddr: { host: "127.0.0.1", port: 0 } },
      desiredState: null,
    });
    await startEngineAgent(front, { kind: "OpenAIUpstream", url: back.baseUrl, apiKey: null }, { slots: 2 });
    await front.waitForSlots(2);
    frontOpenAI = new OpenAI({
      baseURL: `http://${front.balancer.addresses.compatOpenai}/v1`,
      apiKey: "unused",
      maxRetries: 0,
    });
  }, 120_000);

  afterAll(async () => {
    await front?.close();
    await back?.cluster.close();
  });

  it("reports the engine, its upstream and the model the upstream serves", async () => {
    const agent = await waitForAgent(front, (candidate) => candidate.slots_total === 2, "the agent's slots");
    expect(agent.engine).toMatchObject({
      kind: "OpenAIUpstream",
      upstream: back.baseUrl.replace(/\/v1$/, ""),
      served_models: ["stories260K.gguf"],
      forward_http_version: 1,
    });
    const models = await frontOpenAI.models.list();
    expect(models.data.map((model) => model.id)).toContain("stories260K.gguf");
  });

  it("passes an OpenAI request through as it came: the same answer as the upstream gives", async () => {
    const request = {
      model: "stories260K.gguf",
      messages: [{ role: "user" as const, content: "Once upon a time" }],
      max_tokens: 12,
      temperature: 0,
    };
    const direct = await back.openai.chat.completions.create(request);
    const through = await frontOpenAI.chat.completions.create(request);
    expect(through.choices[0]?.message.content).toBe(direct.choices[0]?.message.content);
    // The cached share of the prompt differs (the upstream saw it once already); the counts do not.
    expect(through.usage?.prompt_tokens).toBe(direct.usage?.prompt_tokens);
    expect(through.usage?.completion_tokens).toBe(direct.usage?.completion_tokens);
    const stream = await frontOpenAI.chat.completions.create({ ...request, stream: true });
    let streamed = "";
    for await (const chunk of stream) streamed += chunk.choices[0]?.delta.content ?? "";
    expect(streamed).toBe(direct.choices[0]?.message.content);
    // Forwarded requests hold a slot only while they run.
    await waitForIdleSlots(front);
  });

  it("translates Paddler's own requests to the upstream's OpenAI API", async () => {
    const response = await postJson(`${front.inferenceUrl}/api/v1/continue_from_raw_prompt`, {
      raw_prompt: "Once upon a time",
      max_tokens: 8,
    });
    expect(response.status).toBe(200);
    const messages = await readNdjson(response);
    expect(contentText(messages).length).toBeGreaterThan(0);
    const last = messages.at(-1);
    expect(JSON.stringify(last)).toContain("Done");
  });
});

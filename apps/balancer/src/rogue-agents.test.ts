import { inferenceClientMessageSchema, type TokenUsage } from "@paddler/protocol";
import { afterEach, describe, expect, it } from "vitest";
import type { RunningBalancer } from "./start-balancer.js";
import { connectScriptedAgent, type ScriptedAgent } from "./testing/scripted-agent.js";
import { startTestBalancer } from "./testing/start-test-balancer.js";

let balancer: RunningBalancer | null = null;
const agents: ScriptedAgent[] = [];

afterEach(async () => {
  for (const agent of agents.splice(0)) agent.terminate();
  await balancer?.close();
  balancer = null;
});

async function start() {
  const started = await startTestBalancer();
  balancer = started.balancer;
  return started;
}

async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function readNdjson(response: Response) {
  return (await response.text())
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((line) => inferenceClientMessageSchema.parse(JSON.parse(line)));
}

const rawPrompt = (maxTokens: number) => ({
  method: "POST",
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify({ raw_prompt: "Once upon a time", max_tokens: maxTokens }),
});

describe("agents that die or lie", () => {
  it("re-dispatches a request whose agent died at most once, then answers a clear 502", async () => {
    const urls = await start();
    // Each agent dies on the request it gets, as a grammar bomb would make a real one.
    for (const id of ["a", "b", "c"]) {
      agents.push(
        await connectScriptedAgent({
          managementAddress: urls.managementAddress,
          id,
          slots: 1,
          onRequest: (agent) => agent.terminate(),
        }),
      );
    }
    await waitUntil(
      async () => (await (await fetch(`${urls.management}/api/v1/agents`)).json()).agents.length === 3,
    );
    const messages = await readNdjson(
      await fetch(`${urls.inference}/api/v1/continue_from_raw_prompt`, rawPrompt(5)),
    );
    expect(messages).toEqual([
      {
        Error: {
          request_id: expect.any(String),
          error: {
            code: 502,
            description: expect.stringMatching(/^Agent controller connection closed: 2 agents went away/),
          },
        },
      },
    ]);
    const tried = agents.filter((agent) => agent.received.some((message) => "Request" in message));
    expect(tried).toHaveLength(2);
  });

  it("bounds the usage an agent reports by what the request allowed", async () => {
    const urls = await start();
    const huge = 1_000_000_000;
    const usage: TokenUsage = {
      prompt_tokens: huge,
      cached_prompt_tokens: huge,
      input_image_tokens: huge,
      input_audio_tokens: huge,
      content_tokens: huge,
      reasoning_tokens: huge,
      tool_call_tokens: huge,
      undeterminable_tokens: huge,
    };
    agents.push(
      await connectScriptedAgent({
        managementAddress: urls.managementAddress,
        id: "liar",
        slots: 1,
        onRequest: (agent, request) => agent.respond(request.id, { GeneratedToken: { Done: { usage } } }),
      }),
    );
    await waitUntil(
      async () => (await (await fetch(`${urls.management}/api/v1/agents`)).json()).agents.length === 1,
    );
    const messages = await readNdjson(
      await fetch(`${urls.inference}/api/v1/continue_from_raw_prompt`, rawPrompt(5)),
    );
    const done = messages.at(-1);
    const reported = (done as { Response: { response: { GeneratedToken: { Done: { usage: TokenUsage } } } } })
      .Response.response.GeneratedToken.Done.usage;
    const generated =
      reported.content_tokens +
      reported.reasoning_tokens +
      reported.tool_call_tokens +
      reported.undeterminable_tokens;
    expect(generated).toBeLessThanOrEqual(5);
    expect(reported.prompt_tokens).toBeLessThan(10_000);
    expect(reported.input_image_tokens).toBe(0);
    const metrics = await (await fetch(`${urls.management}/metrics`)).text();
    const counter = (name: string) =>
      metrics
        .split("\n")
        .filter((line) => line.startsWith(name))
        .reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0);
    expect(counter("paddler_generated_tokens_total")).toBeLessThanOrEqual(5);
    expect(counter("paddler_prompt_tokens_total")).toBeLessThan(10_000);
  });
});

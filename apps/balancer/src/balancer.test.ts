import {
  defaultBalancerDesiredState,
  emptyTokenUsage,
  inferenceClientMessageSchema,
} from "@paddler/protocol";
import { afterEach, describe, expect, it } from "vitest";
import type { BalancerSettings } from "./balancer-settings.js";
import type { RunningBalancer } from "./start-balancer.js";
import { connectScriptedAgent, type ScriptedAgent } from "./testing/scripted-agent.js";
import { startTestBalancer } from "./testing/start-test-balancer.js";

let balancer: RunningBalancer | null = null;
const agents: ScriptedAgent[] = [];

async function start(overrides: Partial<BalancerSettings> = {}) {
  const started = await startTestBalancer(overrides);
  balancer = started.balancer;
  return started;
}

/** An agent that answers each generation request with `tokens` tokens, each after `delayMs`. */
function streamingAgent(tokens: number, delayMs = 5) {
  return (agent: ScriptedAgent, request: { id: string }) => {
    let sent = 0;
    const timer = setInterval(() => {
      if (
        agent.received.some(
          (m) =>
            "Notification" in m &&
            typeof m.Notification === "object" &&
            "StopRespondingTo" in m.Notification &&
            m.Notification.StopRespondingTo === request.id,
        )
      ) {
        clearInterval(timer);
        return;
      }
      sent++;
      const response =
        sent <= tokens
          ? { GeneratedToken: { ContentToken: `t${sent} ` } }
          : {
              GeneratedToken: {
                Done: {
                  usage: { ...emptyTokenUsage(), prompt_tokens: 1, content_tokens: tokens },
                },
              },
            };
      try {
        agent.respond(request.id, response);
      } catch {
        clearInterval(timer);
      }
      if (sent > tokens) clearInterval(timer);
    }, delayMs);
  };
}

async function readNdjson(response: Response) {
  const text = await response.text();
  return text
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((line) => inferenceClientMessageSchema.parse(JSON.parse(line)));
}

const rawPrompt = (body: object = {}) => ({
  method: "POST",
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify({ raw_prompt: "Once upon a time", max_tokens: 5, ...body }),
});

async function waitUntil(check: () => Promise<boolean> | boolean, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function waitForAgents(management: string, count: number) {
  await waitUntil(
    async () => (await (await fetch(`${management}/api/v1/agents`)).json()).agents.length === count,
  );
}

async function waitForBuffered(management: string, count: number) {
  await waitUntil(
    async () =>
      (await (await fetch(`${management}/api/v1/buffered_requests`)).json()).buffered_requests_current ===
      count,
  );
}

afterEach(async () => {
  for (const agent of agents.splice(0)) agent.terminate();
  await balancer?.close();
  balancer = null;
});

describe("balancer with scripted agents", () => {
  it("streams an agent's tokens as NDJSON and keeps slot counts within each agent", async () => {
    const urls = await start();
    agents.push(
      await connectScriptedAgent({
        managementAddress: urls.managementAddress,
        id: "a",
        slots: 1,
        onRequest: streamingAgent(3),
      }),
    );
    await waitForAgents(urls.management, 1);
    const messages = await readNdjson(
      await fetch(`${urls.inference}/api/v1/continue_from_raw_prompt`, rawPrompt()),
    );
    expect(messages).toHaveLength(4);
    expect(messages[0]).toMatchObject({
      Response: { generated_by: "a", response: { GeneratedToken: { ContentToken: "t1 " } } },
    });
    expect(messages[3]).toMatchObject({ Response: { response: { GeneratedToken: { Done: {} } } } });
  });

  it("answers 503 in-band when the buffer is full and 504 when the wait times out", async () => {
    const urls = await start({ maxBufferedRequests: 1, bufferedRequestTimeoutMs: 200 });
    const first = fetch(`${urls.inference}/api/v1/continue_from_raw_prompt`, rawPrompt()).then(readNdjson);
    await waitForBuffered(urls.management, 1);
    const overflow = await readNdjson(
      await fetch(`${urls.inference}/api/v1/continue_from_raw_prompt`, rawPrompt()),
    );
    expect(overflow).toEqual([
      {
        Error: {
          request_id: expect.any(String),
          error: { code: 503, description: "Buffered requests overflow" },
        },
      },
    ]);
    expect(await first).toEqual([
      {
        Error: {
          request_id: expect.any(String),
          error: { code: 504, description: "Waiting for available slot timed out" },
        },
      },
    ]);
  });

  it("scales from zero: a request waits for an agent that joins later", async () => {
    const urls = await start();
    const pending = fetch(`${urls.inference}/api/v1/continue_from_raw_prompt`, rawPrompt()).then(readNdjson);
    await waitForBuffered(urls.management, 1);
    agents.push(
      await connectScriptedAgent({
        managementAddress: urls.managementAddress,
        id: "late",
        slots: 1,
        onRequest: streamingAgent(2),
      }),
    );
    const messages = await pending;
    expect(messages.at(-1)).toMatchObject({
      Response: { generated_by: "late", response: { GeneratedToken: { Done: {} } } },
    });
  });

  it("sends the request to another agent when the first disappears before any token", async () => {
    const urls = await start();
    const silent = await connectScriptedAgent({
      managementAddress: urls.managementAddress,
      id: "silent",
      slots: 1,
    });
    agents.push(silent);
    await waitForAgents(urls.management, 1);
    const pending = fetch(`${urls.inference}/api/v1/continue_from_raw_prompt`, rawPrompt()).then(readNdjson);
    await silent.waitFor((m) => "Request" in m);
    agents.push(
      await connectScriptedAgent({
        managementAddress: urls.managementAddress,
        id: "backup",
        slots: 1,
        onRequest: streamingAgent(2),
      }),
    );
    silent.terminate();
    const messages = await pending;
    expect(messages.at(-1)).toMatchObject({
      Response: { generated_by: "backup", response: { GeneratedToken: { Done: {} } } },
    });
  });

  it("gives Paddler's in-band 502 when the agent disappears after the first token", async () => {
    const urls = await start();
    const flaky = await connectScriptedAgent({
      managementAddress: urls.managementAddress,
      id: "flaky",
      slots: 1,
      onRequest: (agent, request) => {
        agent.respond(request.id, { GeneratedToken: { ContentToken: "Once" } });
        setTimeout(() => agent.terminate(), 20);
      },
    });
    agents.push(flaky);
    await waitForAgents(urls.management, 1);
    const messages = await readNdjson(
      await fetch(`${urls.inference}/api/v1/continue_from_raw_prompt`, rawPrompt()),
    );
    expect(messages).toEqual([
      expect.objectContaining({
        Response: expect.objectContaining({ response: { GeneratedToken: { ContentToken: "Once" } } }),
      }),
      {
        Error: {
          request_id: expect.any(String),
          error: { code: 502, description: "Agent controller connection closed" },
        },
      },
    ]);
  });

  it("cancels on the agent when the HTTP client goes away, freeing the slot", async () => {
    const urls = await start();
    const agent = await connectScriptedAgent({
      managementAddress: urls.managementAddress,
      id: "a",
      slots: 1,
      onRequest: streamingAgent(10_000, 5),
    });
    agents.push(agent);
    await waitForAgents(urls.management, 1);
    const abort = new AbortController();
    const response = await fetch(`${urls.inference}/api/v1/continue_from_raw_prompt`, {
      ...rawPrompt(),
      signal: abort.signal,
    });
    const reader = response.body?.getReader();
    await reader?.read();
    abort.abort();
    const stop = await agent.waitFor(
      (m) =>
        "Notification" in m && typeof m.Notification === "object" && "StopRespondingTo" in m.Notification,
    );
    expect(stop).toBeTruthy();
  });

  it("refuses bad bodies with a 400 naming the field", async () => {
    const urls = await start();
    const wrongType = await fetch(
      `${urls.inference}/api/v1/continue_from_raw_prompt`,
      rawPrompt({ max_tokens: "many" }),
    );
    expect(wrongType.status).toBe(400);
    expect((await wrongType.json()).error).toMatchObject({ field: "max_tokens" });
    const unknownKey = await fetch(`${urls.management}/api/v1/balancer_desired_state`, {
      method: "PUT",
      body: JSON.stringify({ ...defaultBalancerDesiredState, surprise: 1 }),
    });
    expect(unknownKey.status).toBe(400);
    expect((await unknownKey.json()).error).toMatchObject({ field: "surprise" });
    const notJson = await fetch(`${urls.management}/api/v1/balancer_desired_state`, {
      method: "PUT",
      body: "{",
    });
    expect(notJson.status).toBe(400);
  });

  it("reads a desired state without chat_template_override as null, as Paddler's Option does", async () => {
    const urls = await start();
    const { chat_template_override: _, ...withoutOverride } = defaultBalancerDesiredState;
    const put = await fetch(`${urls.management}/api/v1/balancer_desired_state`, {
      method: "PUT",
      body: JSON.stringify({ ...withoutOverride, use_chat_template_override: true }),
    });
    expect(put.status).toBe(204);
    const stored = await (await fetch(`${urls.management}/api/v1/balancer_desired_state`)).json();
    expect(stored).toMatchObject({ chat_template_override: null, use_chat_template_override: true });
  });

  it("stores a desired state and pushes it to agents", async () => {
    const urls = await start();
    const agent = await connectScriptedAgent({
      managementAddress: urls.managementAddress,
      id: "a",
      slots: 1,
    });
    agents.push(agent);
    await agent.waitFor(
      (m) => "Notification" in m && typeof m.Notification === "object" && "SetState" in m.Notification,
    );
    const state = { ...defaultBalancerDesiredState, model: { LocalToAgent: "/models/x.gguf" } };
    const put = await fetch(`${urls.management}/api/v1/balancer_desired_state`, {
      method: "PUT",
      body: JSON.stringify(state),
    });
    expect(put.status).toBe(204);
    expect(await (await fetch(`${urls.management}/api/v1/balancer_desired_state`)).json()).toEqual(state);
    await agent.waitFor(
      (m) =>
        "Notification" in m &&
        typeof m.Notification === "object" &&
        "SetState" in m.Notification &&
        JSON.stringify(m).includes("/models/x.gguf"),
    );
  });

  it("answers agent RPCs and 404 for an unknown agent", async () => {
    const urls = await start();
    agents.push(
      await connectScriptedAgent({
        managementAddress: urls.managementAddress,
        id: "a",
        slots: 1,
        onRequest: (agent, request) =>
          agent.respond(request.id, { ModelMetadata: { metadata: { "general.architecture": "llama" } } }),
      }),
    );
    await waitForAgents(urls.management, 1);
    const metadata = await fetch(`${urls.management}/api/v1/agent/a/model_metadata`);
    expect(await metadata.json()).toEqual({ metadata: { "general.architecture": "llama" } });
    expect((await fetch(`${urls.management}/api/v1/agent/nobody/model_metadata`)).status).toBe(404);
  });

  it("refuses a second socket with the same agent id", async () => {
    const urls = await start();
    agents.push(
      await connectScriptedAgent({ managementAddress: urls.managementAddress, id: "same", slots: 1 }),
    );
    await waitForAgents(urls.management, 1);
    await expect(
      connectScriptedAgent({ managementAddress: urls.managementAddress, id: "same", slots: 1 }),
    ).rejects.toThrow();
  });
});

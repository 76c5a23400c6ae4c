import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type BalancerDesiredState,
  type BalancerToAgentMessage,
  defaultBalancerDesiredState,
  defaultFleetSettings,
  emptyTokenUsage,
  type ModelPoolsResponse,
  type ResponsePayload,
} from "@paddler/protocol";
import { afterEach, describe, expect, it } from "vitest";
import type { RunningBalancer } from "../start-balancer.js";
import { connectScriptedAgent, type ScriptedAgent } from "../testing/scripted-agent.js";
import { loopbackAnyPort, startTestBalancer } from "../testing/start-test-balancer.js";

// The queue limits every test here starts with; the fleet settings give pools their own.
const queueSettings = {
  maxBufferedRequests: 10,
  bufferedRequestTimeoutMs: 20_000,
  inferenceItemTimeoutMs: 20_000,
};
let balancer: RunningBalancer | null = null;
const agents: ScriptedAgent[] = [];

afterEach(async () => {
  for (const agent of agents.splice(0)) agent.terminate();
  await balancer?.close({ gracePeriodMs: 0 });
  balancer = null;
});

const usage = { ...emptyTokenUsage(), prompt_tokens: 3, content_tokens: 1 };

const chatState: BalancerDesiredState = {
  ...defaultBalancerDesiredState,
  model: { LocalToAgent: "/models/chat.gguf" },
};
const embedState: BalancerDesiredState = {
  ...defaultBalancerDesiredState,
  model: { LocalToAgent: "/models/embed.gguf" },
  inference_parameters: { ...defaultBalancerDesiredState.inference_parameters, enable_embeddings: true },
};

async function start() {
  const started = await startTestBalancer({ compatOpenaiAddr: loopbackAnyPort, ...queueSettings });
  balancer = started.balancer;
  return started;
}

/** An agent that answers every generation with one token naming itself, and every embedding batch. */
async function answeringAgent(managementAddress: string, id: string, pool?: string): Promise<ScriptedAgent> {
  const agent = await connectScriptedAgent({
    managementAddress,
    id,
    slots: 2,
    ...(pool === undefined ? {} : { pool }),
    onRequest: (self, request) => {
      const reply = (response: ResponsePayload) => self.respond(request.id, response);
      if (typeof request.request === "object" && "GenerateEmbeddingBatch" in request.request) {
        for (const document of request.request.GenerateEmbeddingBatch.input_batch)
          reply({
            Embedding: {
              Embedding: {
                embedding: [1, 0],
                normalization_method: "L2",
                pooling_type: "Mean",
                source_document_id: document.id,
              },
            },
          });
        reply({ Embedding: "Done" });
        return;
      }
      reply({ GeneratedToken: { ContentToken: id } });
      reply({ GeneratedToken: { Done: { usage } } });
    },
  });
  agents.push(agent);
  return agent;
}

async function pools(management: string): Promise<ModelPoolsResponse> {
  return (await (await fetch(`${management}/api/v1/pools`)).json()) as ModelPoolsResponse;
}

async function waitForAgents(management: string, count: number): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    const { agents: connected } = (await (await fetch(`${management}/api/v1/agents`)).json()) as {
      agents: unknown[];
    };
    if (connected.length >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`fewer than ${count} agents joined`);
}

function put(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: "PUT",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
}

async function chat(openai: string, model: string): Promise<Response> {
  return fetch(`${openai}/v1/chat/completions`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }], max_tokens: 1 }),
  });
}

async function content(response: Response): Promise<string> {
  const body = (await response.json()) as { choices: { message: { content: string } }[] };
  return body.choices[0]?.message.content ?? "";
}

const isSetState = (model: string) => (message: BalancerToAgentMessage) =>
  "Notification" in message &&
  typeof message.Notification === "object" &&
  "SetState" in message.Notification &&
  JSON.stringify(message.Notification.SetState.desired_state.model).includes(model);

describe("model pools", () => {
  it("creates pools with PUT, pushes each pool's state to its own agents, and lists them", async () => {
    const { management, managementAddress } = await start();
    expect((await put(`${management}/api/v1/pools/chat/desired_state`, chatState)).status).toBe(201);
    expect((await put(`${management}/api/v1/pools/chat/desired_state`, chatState)).status).toBe(204);
    expect((await put(`${management}/api/v1/pools/embed/desired_state`, embedState)).status).toBe(201);
    const chatAgent = await answeringAgent(managementAddress, "chat-1", "chat");
    const embedAgent = await answeringAgent(managementAddress, "embed-1", "embed");
    await chatAgent.waitFor(isSetState("chat.gguf"));
    await embedAgent.waitFor(isSetState("embed.gguf"));
    await waitForAgents(management, 2);

    const listed = await pools(management);
    expect(listed.pools.map((pool) => [pool.name, pool.agents, pool.slots_total, pool.policy])).toEqual([
      ["default", 0, 0, "least_busy"],
      ["chat", 1, 2, "prefix_affinity"],
      ["embed", 1, 2, "prefix_affinity"],
    ]);
    expect(await (await fetch(`${management}/api/v1/pools/embed/desired_state`)).json()).toEqual(embedState);
    expect(
      ((await (await fetch(`${management}/api/v1/pools/chat/agents`)).json()) as { agents: { id: string }[] })
        .agents,
    ).toMatchObject([{ id: "chat-1", pool: "chat" }]);
    expect(
      ((await (await fetch(`${management}/api/v1/agents?pool=embed`)).json()) as { agents: unknown[] })
        .agents,
    ).toHaveLength(1);
    // The default pool's routes keep Paddler's meaning.
    expect(await (await fetch(`${management}/api/v1/balancer_desired_state`)).json()).toEqual(
      defaultBalancerDesiredState,
    );
    // A later change reaches only that pool's agents.
    const updated = { ...chatState, model: { LocalToAgent: "/models/chat-v2.gguf" } };
    await put(`${management}/api/v1/pools/chat/desired_state`, updated);
    await chatAgent.waitFor(isSetState("chat-v2.gguf"));
    expect(embedAgent.received.some(isSetState("chat-v2.gguf"))).toBe(false);
    expect((await fetch(`${management}/api/v1/pools/nope/desired_state`)).status).toBe(404);
    const badName = await put(`${management}/api/v1/pools/Bad%20Name/desired_state`, chatState);
    expect(badName.status).toBe(400);
    expect(await badName.json()).toMatchObject({ error: { field: "pool" } });
  });

  it("routes OpenAI requests by pool name, alias, regex rule and fallback, and answers an unknown model clearly", async () => {
    const { management, managementAddress, openai } = await start();
    await put(`${management}/api/v1/pools/chat/desired_state`, chatState);
    await put(`${management}/api/v1/pools/embed/desired_state`, embedState);
    await answeringAgent(managementAddress, "default-agent");
    await answeringAgent(managementAddress, "chat-agent", "chat");
    await answeringAgent(managementAddress, "embed-agent", "embed");
    await waitForAgents(management, 3);

    const badRule = await put(`${management}/api/v1/fleet_settings`, {
      ...defaultFleetSettings,
      rules: [{ pattern: "llama-(", pool: "chat" }],
    });
    expect(badRule.status).toBe(400);
    expect(await badRule.json()).toMatchObject({ error: { field: "rules.0.pattern" } });
    const dangling = await put(`${management}/api/v1/fleet_settings`, {
      ...defaultFleetSettings,
      fallback_pool: "gone",
    });
    expect(await dangling.json()).toMatchObject({ error: { field: "fallback_pool" } });
    expect(
      (
        await put(`${management}/api/v1/fleet_settings`, {
          ...defaultFleetSettings,
          aliases: { "gpt-4o-mini": "chat", "text-embedding-3-small": "embed" },
          rules: [{ pattern: "llama-.*", pool: "chat" }],
        })
      ).status,
    ).toBe(204);

    expect(await content(await chat(openai, "chat"))).toBe("chat-agent");
    expect(await content(await chat(openai, "gpt-4o-mini"))).toBe("chat-agent");
    expect(await content(await chat(openai, "llama-3-8b"))).toBe("chat-agent");
    // A rule matches the whole name, as llama-balancer's fullmatch.
    const partial = await chat(openai, "my-llama-3");
    expect(partial.status).toBe(404);
    const body = (await partial.json()) as { error: { code: string; message: string; type: string } };
    expect(body.error).toMatchObject({ code: "model_not_found", type: "invalid_request_error" });
    expect(body.error.message).toContain("'my-llama-3'");
    expect(body.error.message).toContain("default, chat, embed, gpt-4o-mini, text-embedding-3-small");

    const embeddings = await fetch(`${openai}/v1/embeddings`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ model: "text-embedding-3-small", input: ["a", "b"] }),
    });
    expect(embeddings.status).toBe(200);
    // The embeddings pool refuses generation with a 400 (the native API keeps Paddler's 501), whatever the default pool does.
    expect((await chat(openai, "embed")).status).toBe(400);

    await put(`${management}/api/v1/fleet_settings`, { ...defaultFleetSettings, fallback_pool: "chat" });
    expect(await content(await chat(openai, "anything-else"))).toBe("chat-agent");

    const models = (await (await fetch(`${openai}/v1/models`)).json()) as {
      data: { id: string }[];
    };
    expect(models.data.map((model) => model.id)).toEqual(expect.arrayContaining(["chat", "embed"]));
  });

  it("routes native requests by X-Paddler-Pool, buffers per pool and serves a pool once its first agent joins", async () => {
    const { management, managementAddress, inference } = await start();
    await put(`${management}/api/v1/pools/chat/desired_state`, chatState);
    await answeringAgent(managementAddress, "default-agent");
    await waitForAgents(management, 1);
    const generate = (headers: Record<string, string>) =>
      fetch(`${inference}/api/v1/continue_from_raw_prompt`, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...headers },
        body: JSON.stringify({ raw_prompt: "x", max_tokens: 1 }),
      });
    expect(await (await generate({})).text()).toContain("default-agent");
    const unknown = await generate({ "X-Paddler-Pool": "nope" });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { code: "pool_not_found" } });

    // No agent in `chat` yet: the request waits in chat's buffer while the default pool still serves.
    const waiting = generate({ "X-Paddler-Pool": "chat" });
    for (let i = 0; i < 2000; i++) {
      const buffered = (await (await fetch(`${management}/api/v1/pools/chat/buffered_requests`)).json()) as {
        buffered_requests_current: number;
      };
      if (buffered.buffered_requests_current === 1) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect((await pools(management)).pools.find((pool) => pool.name === "chat")?.buffered_requests).toBe(1);
    expect(await (await generate({})).text()).toContain("default-agent");
    await answeringAgent(managementAddress, "chat-agent", "chat");
    expect(await (await waiting).text()).toContain("chat-agent");
  });

  it("gives a pool its own buffer limits from the fleet settings, the flags elsewhere, and names a bad limit", async () => {
    const { management, openai } = await start();
    await put(`${management}/api/v1/pools/tight/desired_state`, chatState);
    await put(`${management}/api/v1/pools/quick/desired_state`, chatState);
    const refused = await put(`${management}/api/v1/fleet_settings`, {
      ...defaultFleetSettings,
      pool_limits: { tight: { max_buffered_requests: -1 }, nope: {} },
    });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(await refused.json())).toContain("pool_limits.tight.max_buffered_requests");
    const dangling = await put(`${management}/api/v1/fleet_settings`, {
      ...defaultFleetSettings,
      pool_limits: { nope: { max_buffered_requests: 1 } },
    });
    expect(dangling.status).toBe(400);
    expect(((await dangling.json()) as { error: { message: string } }).error.message).toContain(
      "pool_limits.nope: names pool 'nope', which does not exist",
    );
    const limits = { tight: { max_buffered_requests: 0 }, quick: { buffered_request_timeout_ms: 50 } };
    expect(
      (await put(`${management}/api/v1/fleet_settings`, { ...defaultFleetSettings, pool_limits: limits }))
        .status,
    ).toBe(204);

    // No agent anywhere: `tight` buffers nothing (503 at once), `quick` gives up after 50 ms (504),
    // while the default pool keeps the flags' 10 requests for 20 s.
    const stop = new AbortController();
    const waiting = fetch(`${openai}/v1/chat/completions`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ model: "default", messages: [{ role: "user", content: "hi" }], max_tokens: 1 }),
      signal: stop.signal,
    }).catch(() => null);
    expect((await chat(openai, "tight")).status).toBe(503);
    expect((await chat(openai, "quick")).status).toBe(504);
    const bufferedInDefault = async () =>
      (
        (await (await fetch(`${management}/api/v1/pools/default/buffered_requests`)).json()) as {
          buffered_requests_current: number;
        }
      ).buffered_requests_current;
    for (let i = 0; i < 2000 && (await bufferedInDefault()) !== 1; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await bufferedInDefault()).toBe(1);
    stop.abort();
    await waiting;

    // Deleting a pool forgets its limits.
    expect((await fetch(`${management}/api/v1/pools/quick`, { method: "DELETE" })).status).toBe(204);
    const settings = (await (await fetch(`${management}/api/v1/fleet_settings`)).json()) as {
      pool_limits: Record<string, unknown>;
    };
    expect(settings.pool_limits).toEqual({ tight: { max_buffered_requests: 0 } });
  });

  it("refuses to delete a pool that agents serve or routing names, then deletes it", async () => {
    const { management, managementAddress } = await start();
    await put(`${management}/api/v1/pools/chat/desired_state`, chatState);
    const agent = await answeringAgent(managementAddress, "chat-agent", "chat");
    await waitForAgents(management, 1);
    const refused = await fetch(`${management}/api/v1/pools/chat`, { method: "DELETE" });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain("chat-agent");
    expect((await fetch(`${management}/api/v1/pools/default`, { method: "DELETE" })).status).toBe(409);
    await agent.close();
    await put(`${management}/api/v1/fleet_settings`, { ...defaultFleetSettings, aliases: { gpt: "chat" } });
    expect((await fetch(`${management}/api/v1/pools/chat`, { method: "DELETE" })).status).toBe(409);
    await put(`${management}/api/v1/fleet_settings`, defaultFleetSettings);
    for (let i = 0; i < 2000 && (await pools(management)).pools.some((pool) => pool.agents > 0); i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await fetch(`${management}/api/v1/pools/chat`, { method: "DELETE" })).status).toBe(204);
    expect((await pools(management)).pools.map((pool) => pool.name)).toEqual(["default"]);
  });

  it("moves an agent to another pool when the fleet settings say so", async () => {
    const { management, managementAddress } = await start();
    await put(`${management}/api/v1/pools/chat/desired_state`, chatState);
    const agent = await answeringAgent(managementAddress, "mover");
    await waitForAgents(management, 1);
    await put(`${management}/api/v1/fleet_settings`, {
      ...defaultFleetSettings,
      agent_pools: { mover: "chat" },
    });
    await agent.waitFor(isSetState("chat.gguf"));
    expect((await pools(management)).pools.map((pool) => [pool.name, pool.agents])).toEqual([
      ["default", 0],
      ["chat", 1],
    ]);
  });
});

describe("fleet file", () => {
  it("creates its pools and applies its routing at start-up, and a bad rule stops start-up naming the file and the rule", async () => {
    const directory = await mkdtemp(join(tmpdir(), "paddler-fleet-file-"));
    const path = join(directory, "fleet.json");
    await writeFile(
      path,
      JSON.stringify({
        pools: { chat: chatState, embed: embedState },
        aliases: { "gpt-4o-mini": "chat" },
        rules: [{ pattern: "text-embedding-.*", pool: "embed" }],
        pool_policies: { chat: "sticky" },
      }),
    );
    const started = await startTestBalancer({ ...queueSettings, fleetFile: path });
    balancer = started.balancer;
    const { management } = started;
    expect((await pools(management)).pools.map((pool) => [pool.name, pool.policy, pool.aliases])).toEqual([
      ["default", "least_busy", []],
      ["chat", "sticky", ["gpt-4o-mini"]],
      ["embed", "prefix_affinity", []],
    ]);
    await balancer.close();
    balancer = null;

    await writeFile(path, JSON.stringify({ rules: [{ pattern: "a(", pool: "chat" }] }));
    const error = await startTestBalancer({ ...queueSettings, fleetFile: path }).catch(
      (thrown: unknown) => thrown,
    );
    expect(String(error)).toContain(path);
    expect(String(error)).toContain("rules.0.pattern: not a valid regular expression");
    await writeFile(path, JSON.stringify({ fallback_pool: "nowhere" }));
    const dangling = await startTestBalancer({ ...queueSettings, fleetFile: path }).catch(
      (thrown: unknown) => thrown,
    );
    expect(String(dangling)).toContain("fallback_pool: names pool 'nowhere'");
    await rm(directory, { recursive: true, force: true });
  });
});

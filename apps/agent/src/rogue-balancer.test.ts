import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { silentLogger } from "@paddler/logger";
import {
  type AgentDesiredState,
  type AgentToBalancerMessage,
  agentToBalancerMessageSchema,
  defaultInferenceParameters,
} from "@paddler/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type WebSocket, WebSocketServer } from "ws";
import { type RunningAgent, startAgent } from "./start-agent.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const modelPath = path.resolve(repoRoot, "models/stories260K.gguf");

const desiredState: AgentDesiredState = {
  chat_template_override: {
    content:
      "{% for message in messages %}{{ message['role'] }}: {{ message['content'] }}\n{% endfor %}assistant:",
  },
  inference_parameters: {
    ...defaultInferenceParameters,
    context_size: 512,
    n_batch: 512,
    temperature: 0,
    k_cache_dtype: "F16",
    v_cache_dtype: "F16",
  },
  model: { LocalToAgent: modelPath },
  multimodal_projection: "None",
};

/**
 * A balancer that does not check what it forwards (an older or rogue one): the agent must refuse
 * the worst input of every kind itself, answer each request it refuses, and stay up.
 */
describe("the agent against a rogue balancer", () => {
  let server: WebSocketServer;
  let agent: RunningAgent;
  let cacheDir: string;
  let socket: WebSocket | null = null;
  let connections = 0;
  const received: AgentToBalancerMessage[] = [];

  const send = (frame: string) => socket?.send(frame);
  async function waitFor<T>(find: () => T | undefined, timeoutMs = 60_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (Date.now() > deadline) throw new Error("condition not met in time");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  const replyTo = (id: string) =>
    waitFor(() =>
      received.find(
        (message) =>
          ("Error" in message && message.Error.request_id === id) ||
          ("Response" in message &&
            message.Response.request_id === id &&
            typeof message.Response.response === "object" &&
            "GeneratedToken" in message.Response.response &&
            typeof message.Response.response.GeneratedToken === "object" &&
            !("ContentToken" in message.Response.response.GeneratedToken)),
      ),
    );
  const lastStatus = () =>
    received.findLast((message) => "Notification" in message && typeof message.Notification === "object");
  const slots = () => {
    const status = lastStatus();
    if (!status || !("Notification" in status) || typeof status.Notification !== "object") return null;
    const notification = status.Notification;
    return "UpdateAgentStatus" in notification
      ? notification.UpdateAgentStatus.slot_aggregated_status_snapshot
      : "RegisterAgent" in notification
        ? notification.RegisterAgent.slot_aggregated_status_snapshot
        : null;
  };
  const request = (id: string, body: string) => `{"Request":{"id":${JSON.stringify(id)},"request":${body}}}`;
  const rawPrompt = (grammar: unknown) =>
    JSON.stringify({ ContinueFromRawPrompt: { raw_prompt: "Once upon a time", max_tokens: 4, grammar } });
  const nestedSchema = (depth: number) =>
    `${'{"type":"object","properties":{"a":'.repeat(depth)}{"type":"string"}${"}}".repeat(depth)}`;

  beforeAll(async () => {
    cacheDir = await mkdtemp(path.join(tmpdir(), "paddler-rogue-"));
    server = new WebSocketServer({ host: "127.0.0.1", port: 0, maxPayload: 200 * 1024 * 1024 });
    await new Promise((resolve) => server.once("listening", resolve));
    server.on("connection", (connection) => {
      connections++;
      socket = connection;
      connection.on("message", (data) => {
        received.push(agentToBalancerMessageSchema.parse(JSON.parse(String(data))));
      });
      connection.send(JSON.stringify({ Notification: { SetState: { desired_state: desiredState } } }));
    });
    const { port } = server.address() as AddressInfo;
    agent = await startAgent({
      config: { managementAddr: { host: "127.0.0.1", port }, name: "target", slots: 2, threads: 1 },
      logger: silentLogger(),
      cacheDir,
      shutdownGraceMs: 1000,
    });
    await waitFor(() => ((slots()?.slots_total ?? 0) > 0 ? true : undefined), 120_000);
  }, 180_000);

  afterAll(async () => {
    await agent?.close();
    for (const client of server?.clients ?? []) client.terminate();
    await new Promise((resolve) => server?.close(resolve));
    await rm(cacheDir, { recursive: true, force: true });
  });

  it("refuses a GBNF grammar nested 20,000 parentheses deep (it once segfaulted llama.cpp)", async () => {
    const grammar = `root ::= ${"(".repeat(20_000)}"a"${")".repeat(20_000)}`;
    send(request("gbnf-deep", rawPrompt({ type: "gbnf", grammar, root: "root" })));
    expect(await replyTo("gbnf-deep")).toMatchObject({
      Error: { error: { code: 400, description: expect.stringMatching(/nests groups deeper than 64/) } },
    });
  });

  it("refuses a GBNF repetition bomb", async () => {
    send(
      request("gbnf-repeat", rawPrompt({ type: "gbnf", grammar: 'root ::= "a"{0,100000000}', root: "root" })),
    );
    expect(await replyTo("gbnf-repeat")).toMatchObject({ Error: { error: { code: 400 } } });
  });

  it("refuses a JSON-schema grammar nested 5,000 deep and one with a huge length bound", async () => {
    send(request("schema-deep", rawPrompt({ type: "json_schema", schema: nestedSchema(5000) })));
    expect(await replyTo("schema-deep")).toMatchObject({ Error: { error: { code: 400 } } });
    const bound = JSON.stringify({ type: "string", maxLength: 100_000_000 });
    send(request("schema-bound", rawPrompt({ type: "json_schema", schema: bound })));
    expect(await replyTo("schema-bound")).toMatchObject({
      Error: { error: { code: 400, description: expect.stringMatching(/maxLength/) } },
    });
  });

  it("answers tool parameters nested 3,000 deep (past the frame limit) and 50 deep (past the schema limit)", async () => {
    const conversation = (parameters: string) =>
      `{"ContinueFromConversationHistory":{"add_generation_prompt":true,"conversation_history":[{"role":"user","content":"Hi"}],"enable_thinking":false,"max_tokens":4,"tools":[{"type":"function","function":{"name":"f","description":"","parameters":${parameters}}}]}}`;
    send(request("tools-3000", conversation(nestedSchema(3000))));
    expect(await replyTo("tools-3000")).toMatchObject({
      Error: { error: { code: 400, description: expect.stringMatching(/deeper than 128/) } },
    });
    send(request("tools-50", conversation(nestedSchema(50))));
    expect(await replyTo("tools-50")).toMatchObject({
      Error: { error: { code: 400, description: expect.stringMatching(/tools\.0\.function\.parameters/) } },
    });
  });

  it("ignores a 24 MB nested frame without stalling, and keeps its connection", async () => {
    const before = connections;
    send("[".repeat(12_000_000) + "]".repeat(12_000_000));
    send(request("after-nested", rawPrompt(null)));
    expect(await replyTo("after-nested")).toMatchObject({
      Response: { response: { GeneratedToken: { Done: {} } } },
    });
    expect(connections).toBe(before);
  });

  it("drops a frame over 50 MiB by closing the socket (1009), then dials the balancer again", async () => {
    const before = connections;
    send(`"${"a".repeat(51 * 1024 * 1024)}"`);
    await waitFor(() => (connections > before ? true : undefined));
    await waitFor(() => ((slots()?.slots_total ?? 0) > 0 ? true : undefined));
  });

  it("still generates after all of it, with every slot free", async () => {
    send(request("normal", rawPrompt(null)));
    expect(await replyTo("normal")).toMatchObject({
      Response: { response: { GeneratedToken: { Done: {} } } },
    });
    await waitFor(() => (slots()?.slots_processing === 0 ? true : undefined));
    expect(agent.status.snapshot().slots_processing).toBe(0);
  });
});

import { connect } from "node:net";
import { createLogger } from "@paddler/logger";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { RunningBalancer } from "./start-balancer.js";
import { connectScriptedAgent, type ScriptedAgent } from "./testing/scripted-agent.js";
import { loopbackAnyPort, startTestBalancer } from "./testing/start-test-balancer.js";

let balancer: RunningBalancer | null = null;
const agents: ScriptedAgent[] = [];
const sockets: WebSocket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.terminate();
  for (const agent of agents.splice(0)) agent.terminate();
  await balancer?.close();
  balancer = null;
});

interface LogLine {
  level: string;
  msg: string;
}

async function start(overrides: { managementAddr?: { host: string; port: number } } = {}) {
  const logs: LogLine[] = [];
  const started = await startTestBalancer(
    { compatOpenaiAddr: loopbackAnyPort, ...overrides },
    { logger: createLogger({ level: "debug", write: (line) => logs.push(JSON.parse(line) as LogLine) }) },
  );
  balancer = started.balancer;
  return { logs, ...started };
}

/** A scripted agent that records what reaches it; nothing hostile should. */
async function watchingAgent(managementAddress: string) {
  const agent = await connectScriptedAgent({ managementAddress, id: "watcher", slots: 4 });
  agents.push(agent);
  return agent;
}

async function waitUntil(check: () => boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A schema nested `depth` levels deep, as JSON text (JSON.stringify itself overflows on deep values). */
function nestedSchema(depth: number): string {
  return `${'{"type":"object","properties":{"a":'.repeat(depth)}{"type":"string"}${"}}".repeat(depth)}`;
}

/** JSON text of `value` with the string "SCHEMA" in it replaced by raw JSON text. */
function withRaw(value: unknown, raw: string): string {
  return JSON.stringify(value).replace('"SCHEMA"', raw);
}

function nestedArrays(chars: number): string {
  return "[".repeat(chars / 2) + "]".repeat(chars / 2);
}

const post = (body: string) => ({ method: "POST", headers: { "Content-Type": "application/json" }, body });
const grammarBomb = `root ::= ${"(".repeat(20_000)}"a"${")".repeat(20_000)}`;

describe("hostile input at the balancer", () => {
  it("refuses a 10 MB deeply nested body on every service before parsing it, and /health answers meanwhile", async () => {
    const urls = await start();
    const body = nestedArrays(10_000_000);
    const targets = [
      { url: `${urls.inference}/api/v1/continue_from_raw_prompt`, method: "POST", health: urls.inference },
      { url: `${urls.openai}/v1/chat/completions`, method: "POST", health: urls.openai },
      { url: `${urls.management}/api/v1/balancer_desired_state`, method: "PUT", health: urls.management },
    ];
    for (const target of targets) {
      const [hostile, health] = await Promise.all([
        fetch(target.url, { method: target.method, headers: { "Content-Type": "application/json" }, body }),
        fetch(`${target.health}/health`),
      ]);
      expect(health.status).toBe(200);
      expect(hostile.status).toBe(400);
      expect(JSON.stringify(await hostile.json())).toContain("JSON nests deeper than 128 levels");
    }
  }, 120_000);

  it("closes an inference socket with 1009 on a 24 MB nested frame, and /health answers meanwhile", async () => {
    const urls = await start();
    const socket = new WebSocket(`ws://${urls.inferenceAddress}/api/v1/inference_socket`);
    sockets.push(socket);
    await new Promise((resolve) => socket.once("open", resolve));
    const closed = new Promise<number>((resolve) => socket.once("close", (code) => resolve(code)));
    socket.send(nestedArrays(24_000_000));
    const health = await fetch(`${urls.inference}/health`);
    expect(health.status).toBe(200);
    expect(await closed).toBe(1009);
  }, 120_000);

  it("refuses grammar bombs and over-deep schemas with a 400 naming the field, on every route", async () => {
    const urls = await start();
    const agent = await watchingAgent(urls.managementAddress);
    const native = async (path: string, body: string) => {
      const response = await fetch(`${urls.inference}/api/v1/${path}`, post(body));
      expect(response.status).toBe(400);
      return ((await response.json()) as { error: { field: string; reason: string } }).error;
    };
    expect(
      await native(
        "continue_from_raw_prompt",
        JSON.stringify({
          raw_prompt: "Hi",
          max_tokens: 5,
          grammar: { type: "gbnf", grammar: grammarBomb, root: "root" },
        }),
      ),
    ).toMatchObject({
      field: "grammar.grammar",
      reason: expect.stringMatching(/nests groups deeper than 64/),
    });
    expect(
      await native(
        "continue_from_raw_prompt",
        JSON.stringify({
          raw_prompt: "Hi",
          max_tokens: 5,
          grammar: { type: "json_schema", schema: nestedSchema(5000) },
        }),
      ),
    ).toMatchObject({ field: "grammar.schema", reason: expect.stringMatching(/JSON schema nests deeper/) });
    const conversation = (parameters: string) =>
      withRaw(
        {
          add_generation_prompt: true,
          conversation_history: [{ role: "user", content: "Hi" }],
          enable_thinking: false,
          max_tokens: 5,
          tools: [{ type: "function", function: { name: "f", description: "", parameters: "SCHEMA" } }],
        },
        parameters,
      );
    // 3,000 deep breaks the body's own limit; 50 deep fits the body but not a schema's.
    expect(
      await native("continue_from_conversation_history", conversation(nestedSchema(3000))),
    ).toMatchObject({
      reason: expect.stringMatching(/nests deeper than 128/),
    });
    expect(await native("continue_from_conversation_history", conversation(nestedSchema(50)))).toMatchObject({
      field: "tools.0.function.parameters",
      reason: expect.stringMatching(/JSON schema nests deeper than 64/),
    });

    const openai = async (body: string) => {
      const response = await fetch(`${urls.openai}/v1/chat/completions`, post(body));
      expect(response.status).toBe(400);
      return ((await response.json()) as { error: { param: string | null; message: string } }).error;
    };
    const chat = { model: "m", messages: [{ role: "user", content: "Hi" }] };
    const format = (schema: string) =>
      withRaw(
        { ...chat, response_format: { type: "json_schema", json_schema: { name: "x", schema: "SCHEMA" } } },
        schema,
      );
    expect((await openai(format(nestedSchema(5000)))).message).toMatch(/nests deeper than 128/);
    expect(await openai(format(nestedSchema(50)))).toMatchObject({
      param: expect.stringMatching(/^response_format/),
      message: expect.stringMatching(/JSON schema nests deeper than 64/),
    });
    const tools = (parameters: string) =>
      withRaw(
        { ...chat, tools: [{ type: "function", function: { name: "f", parameters: "SCHEMA" } }] },
        parameters,
      );
    expect((await openai(tools(nestedSchema(3000)))).message).toMatch(/nests deeper than 128/);
    expect(await openai(tools(nestedSchema(50)))).toMatchObject({
      param: "tools.0.function.parameters",
    });
    expect(agent.received.filter((message) => "Request" in message)).toEqual([]);
  });

  it("answers a grammar bomb on the inference socket with an Error for its id and keeps the socket", async () => {
    const urls = await start();
    const agent = await watchingAgent(urls.managementAddress);
    const socket = new WebSocket(`ws://${urls.inferenceAddress}/api/v1/inference_socket`);
    sockets.push(socket);
    const frames: unknown[] = [];
    socket.on("message", (data) => frames.push(JSON.parse(String(data))));
    await new Promise((resolve) => socket.once("open", resolve));
    socket.send(
      JSON.stringify({
        Request: {
          id: "bomb",
          request: {
            ContinueFromRawPrompt: {
              raw_prompt: "Hi",
              max_tokens: 5,
              grammar: { type: "gbnf", grammar: grammarBomb, root: "root" },
            },
          },
        },
      }),
    );
    await waitUntil(() => frames.length > 0);
    expect(frames[0]).toMatchObject({
      Error: { request_id: "bomb", error: { code: 400, description: expect.stringMatching(/grammar/) } },
    });
    expect(socket.readyState).toBe(WebSocket.OPEN);
    expect(agent.received.filter((message) => "Request" in message)).toEqual([]);
  });

  it("keeps an inference-socket client whose event loop is blocked for 7 s (it answers no ping)", async () => {
    const urls = await start();
    // autoPong off: the client answers no ping, as one stuck in a 7 s synchronous task would not.
    const socket = new WebSocket(`ws://${urls.inferenceAddress}/api/v1/inference_socket`, {
      autoPong: false,
    });
    sockets.push(socket);
    let pings = 0;
    socket.on("ping", () => pings++);
    let closed = false;
    socket.on("close", () => {
      closed = true;
    });
    await new Promise((resolve) => socket.once("open", resolve));
    const since = Date.now();
    await waitUntil(() => Date.now() - since > 7500 && pings >= 2, 60_000);
    expect(closed).toBe(false);
    expect(socket.readyState).toBe(WebSocket.OPEN);
  }, 90_000);

  it("does not log a client that hangs up mid-body as an unhandled error", async () => {
    const urls = await start();
    for (const address of [urls.openaiAddress, urls.inferenceAddress]) {
      const [host = "", port = ""] = address.split(":");
      const path =
        address === urls.openaiAddress ? "/v1/chat/completions" : "/api/v1/continue_from_raw_prompt";
      const socket = connect(Number(port), host);
      await new Promise((resolve) => socket.once("connect", resolve));
      socket.write(
        `POST ${path} HTTP/1.1\r\nHost: ${address}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"mo`,
      );
      const before = urls.logs.length;
      await new Promise((resolve) => setTimeout(resolve, 100));
      socket.destroy();
      await waitUntil(() =>
        urls.logs.slice(before).some((line) => /client went away|unhandled error/.test(line.msg)),
      );
    }
    expect(urls.logs.filter((line) => line.msg === "unhandled error")).toEqual([]);
  });

  it("does not log a client that hangs up mid-stream as an error, on any route", async () => {
    const urls = await start();
    agents.push(
      await connectScriptedAgent({
        managementAddress: urls.managementAddress,
        id: "slow",
        slots: 4,
        onRequest: (agent, request) => {
          const timer = setInterval(() => {
            try {
              agent.respond(request.id, { GeneratedToken: { ContentToken: "word " } });
            } catch {
              clearInterval(timer);
            }
          }, 20);
          void agent
            .waitFor(
              (message) =>
                "Notification" in message &&
                typeof message.Notification === "object" &&
                "StopRespondingTo" in message.Notification &&
                message.Notification.StopRespondingTo === request.id,
            )
            .then(() => clearInterval(timer));
        },
      }),
    );
    const streams = [
      {
        url: `${urls.inference}/api/v1/continue_from_raw_prompt`,
        body: { raw_prompt: "Hi", max_tokens: 1000 },
      },
      {
        url: `${urls.openai}/v1/chat/completions`,
        body: { model: "m", messages: [{ role: "user", content: "Hi" }], stream: true },
      },
      { url: `${urls.openai}/v1/completions`, body: { model: "m", prompt: "Hi", stream: true } },
      { url: `${urls.openai}/v1/responses`, body: { model: "m", input: "Hi", stream: true } },
    ];
    for (const { url, body } of streams) {
      const abort = new AbortController();
      const response = await fetch(url, { ...post(JSON.stringify(body)), signal: abort.signal });
      const reader = response.body?.getReader();
      await reader?.read();
      await reader?.read();
      abort.abort();
    }
    await waitUntil(
      () =>
        agents[0]?.received.filter(
          (message) =>
            "Notification" in message &&
            typeof message.Notification === "object" &&
            "StopRespondingTo" in message.Notification,
        ).length === streams.length,
    );
    expect(urls.logs.filter((line) => line.level === "error")).toEqual([]);
  });

  it("warns loudly when agents can join from anywhere without a join secret", async () => {
    const quiet = await start();
    expect(quiet.logs.some((line) => /CAN JOIN AS AN AGENT/.test(line.msg))).toBe(false);
    await balancer?.close();
    const open = await start({ managementAddr: { host: "0.0.0.0", port: 0 } });
    expect(open.logs.find((line) => /CAN JOIN AS AN AGENT/.test(line.msg))).toMatchObject({ level: "warn" });
  });
});

import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { postJson, readNdjson, waitUntil } from "../ndjson.js";
import { startTestCluster, type TestCluster } from "../test-cluster.js";

// Bounded so the whole file stays well under a minute on a slow 2-core machine; raise locally to dig.
const HTTP_RUNS = 400;
const FRAME_RUNS = 2000;

let cluster: TestCluster;
let openaiUrl: string;

beforeAll(async () => {
  cluster = await startTestCluster({
    balancer: { compatOpenaiAddr: { host: "127.0.0.1", port: 0 }, maxWebSocketFrameBytes: 64 * 1024 },
    agents: [{ slots: 2 }],
  });
  await cluster.waitForSlots(2);
  openaiUrl = `http://${cluster.balancer.addresses.compatOpenai}`;
}, 120_000);

afterAll(() => cluster.close());

/** Any JSON value, deep or not, sometimes with the keys a route expects. */
const anyJson = fc.jsonValue({ maxDepth: 4 });
const smallTokens = fc.oneof(fc.integer({ min: -3, max: 4 }), fc.double(), fc.string(), fc.constant(null));
const text = fc.oneof(fc.string({ maxLength: 40 }), fc.string({ unit: "grapheme", maxLength: 20 }), anyJson);
const message = fc.record(
  {
    role: fc.oneof(fc.constantFrom("user", "system", "assistant", "tool", ""), text),
    content: fc.oneof(text, fc.array(anyJson, { maxLength: 3 })),
  },
  { requiredKeys: [] },
);

/** Bodies that are nearly right: the routes' own fields with wrong types, missing keys, extras. */
const nearlyValid = fc.oneof(
  fc.record(
    { raw_prompt: text, max_tokens: smallTokens, grammar: anyJson, extra: anyJson },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      add_generation_prompt: fc.oneof(fc.boolean(), anyJson),
      conversation_history: fc.oneof(fc.array(message, { maxLength: 4 }), anyJson),
      enable_thinking: fc.oneof(fc.boolean(), anyJson),
      max_tokens: smallTokens,
      tools: fc.oneof(fc.array(anyJson, { maxLength: 2 }), anyJson),
    },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      input_batch: fc.oneof(
        fc.array(fc.record({ id: text, content: text }, { requiredKeys: [] }), { maxLength: 4 }),
        anyJson,
      ),
      normalization_method: fc.oneof(fc.constantFrom("L2", "None"), anyJson),
    },
    { requiredKeys: [] },
  ),
  fc.record(
    {
      model: text,
      messages: fc.oneof(fc.array(message, { maxLength: 3 }), anyJson),
      prompt: fc.oneof(text, fc.array(text, { maxLength: 3 })),
      input: fc.oneof(text, fc.array(anyJson, { maxLength: 3 })),
      max_tokens: smallTokens,
      max_completion_tokens: smallTokens,
      max_output_tokens: smallTokens,
      stream: fc.oneof(fc.boolean(), anyJson),
      tools: anyJson,
      response_format: anyJson,
    },
    { requiredKeys: [] },
  ),
);

/** Valid requests now and then, so the fuzz also runs real generations and cancels them. */
const valid = fc.oneof(
  fc.record({ raw_prompt: fc.string({ maxLength: 40 }), max_tokens: fc.integer({ min: 1, max: 3 }) }),
  fc.record({
    model: fc.string({ maxLength: 10 }),
    messages: fc.array(fc.record({ role: fc.constant("user"), content: fc.string({ maxLength: 40 }) }), {
      minLength: 1,
      maxLength: 2,
    }),
    max_tokens: fc.integer({ min: 1, max: 3 }),
    prompt: fc.string({ maxLength: 20 }),
    input: fc.string({ maxLength: 20 }),
  }),
);

const body = fc.oneof(
  valid.map((value) => JSON.stringify(value)),
  fc.string({ maxLength: 300 }),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes).toString("latin1")),
  anyJson.map((value) => JSON.stringify(value)),
  nearlyValid.map((value) => JSON.stringify(value)),
  nearlyValid.map((value) => JSON.stringify(value).slice(0, -1)),
);
const contentType = fc.constantFrom(
  "application/json",
  "text/plain",
  "application/x-www-form-urlencoded",
  null,
);

/** Sends one request and returns its status; the body is dropped at once (that cancels a valid generation). */
async function send(
  url: string,
  method: string,
  payload: string | null,
  type: string | null,
): Promise<number> {
  const response = await fetch(url, {
    method,
    headers: type === null ? {} : { "Content-Type": type },
    body: payload,
  });
  await response.body?.cancel();
  return response.status;
}

/** 501 is Paddler's documented answer for a request the cluster's mode refuses; anything else 5xx is a fault. */
const acceptable = (status: number) => status < 500 || status === 501;

describe("fuzzing every endpoint", () => {
  it("malformed bodies to the inference, OpenAI and management services never get a 5xx", async () => {
    const endpoints = [
      `${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`,
      `${cluster.inferenceUrl}/api/v1/continue_from_conversation_history`,
      `${cluster.inferenceUrl}/api/v1/generate_embedding_batch`,
      `${openaiUrl}/v1/chat/completions`,
      `${openaiUrl}/v1/completions`,
      `${openaiUrl}/v1/responses`,
      `${openaiUrl}/v1/embeddings`,
    ];
    const statuses = new Map<number, number>();
    for (const url of endpoints) {
      await fc.assert(
        fc.asyncProperty(body, contentType, async (payload, type) => {
          const status = await send(url, "POST", payload, type);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
          expect(acceptable(status), `${url} answered ${status} to ${payload}`).toBe(true);
        }),
        { numRuns: HTTP_RUNS },
      );
    }
    // The management service: bodies that cannot be a desired state, and junk paths everywhere.
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          anyJson.map((value) => JSON.stringify(value)),
        ),
        async (payload) => {
          const status = await send(
            `${cluster.managementUrl}/api/v1/balancer_desired_state`,
            "PUT",
            payload,
            "application/json",
          );
          expect(status).toBe(400);
        },
      ),
      { numRuns: HTTP_RUNS },
    );
    const segment = fc.stringMatching(/^[A-Za-z0-9%._~-]{0,20}$/);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(cluster.managementUrl, cluster.inferenceUrl, openaiUrl),
        fc.constantFrom("/api/v1/agent/", "/api/v1/", "/v1/models/", "/"),
        segment,
        fc.constantFrom("/model_metadata", "/chat_template_override", "", "/x"),
        fc.constantFrom("GET", "POST", "PUT", "DELETE"),
        async (base, prefix, middle, suffix, method) => {
          const status = await send(
            `${base}${prefix}${middle}${suffix}`,
            method,
            method === "GET" ? null : "{}",
            null,
          );
          expect(
            acceptable(status) || status === 502 || status === 504,
            `${method} ${prefix}${middle}${suffix}: ${status}`,
          ).toBe(true);
        },
      ),
      { numRuns: HTTP_RUNS },
    );
    // Both refusals and real generations were exercised.
    expect(statuses.get(400)).toBeGreaterThan(0);
    expect(statuses.get(200)).toBeGreaterThan(0);
  });

  it("malformed frames to the inference socket and the agent socket crash nothing", async () => {
    const frame = fc.oneof(
      fc.string({ maxLength: 200 }),
      anyJson.map((value) => JSON.stringify(value)),
      fc
        .record({
          Request: fc.record(
            { id: text, request: fc.oneof(anyJson, fc.record({ ContinueFromRawPrompt: nearlyValid })) },
            { requiredKeys: [] },
          ),
        })
        .map((value) => JSON.stringify(value)),
      fc
        .record({ Notification: fc.oneof(anyJson, fc.record({ StopRespondingTo: text })) })
        .map((value) => JSON.stringify(value)),
      fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
    );
    const open = (url: string) =>
      new Promise<WebSocket>((resolve, reject) => {
        const socket = new WebSocket(url);
        socket.on("error", () => {});
        socket.once("open", () => resolve(socket));
        socket.once("unexpected-response", (_request, response) =>
          reject(new Error(`upgrade ${response.statusCode}`)),
        );
      });
    const inferenceSocketUrl = `ws://${cluster.balancer.addresses.inference}/api/v1/inference_socket`;
    let agentSerial = 0;
    const agentSocketUrl = () =>
      `ws://${cluster.balancer.addresses.management}/api/v1/agent_socket/fuzz-${agentSerial++}`;
    let inference = await open(inferenceSocketUrl);
    let agent = await open(agentSocketUrl());
    let closes = 0;
    await fc.assert(
      fc.asyncProperty(frame, fc.boolean(), async (payload, toAgent) => {
        if (toAgent) {
          if (agent.readyState !== WebSocket.OPEN) {
            closes++;
            agent = await open(agentSocketUrl());
          }
          agent.send(payload);
        } else {
          if (inference.readyState !== WebSocket.OPEN) {
            closes++;
            inference = await open(inferenceSocketUrl);
          }
          inference.send(payload);
        }
      }),
      { numRuns: FRAME_RUNS },
    );
    inference.close();
    agent.close();
    // Invalid frames may close a socket (1007/1008), and that is all they may do.
    expect(closes).toBeGreaterThanOrEqual(0);
  });

  it("the cluster still serves afterwards, with no slot left busy and nothing buffered", async () => {
    await waitUntil(async () => {
      const { agents } = await cluster.agentsSnapshot();
      return (
        agents.filter((agent) => agent.id.startsWith("fuzz-")).length === 0 &&
        agents.every((agent) => agent.slots_processing === 0)
      );
    });
    const messages = await readNdjson(
      await postJson(`${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`, {
        raw_prompt: "Lily",
        max_tokens: 4,
      }),
    );
    expect(messages.at(-1)).toMatchObject({ Response: { response: { GeneratedToken: { Done: {} } } } });
    const buffered = (await (await fetch(`${cluster.managementUrl}/api/v1/buffered_requests`)).json()) as {
      buffered_requests_current: number;
    };
    expect(buffered.buffered_requests_current).toBe(0);
    expect((await fetch(`${cluster.managementUrl}/health`)).status).toBe(200);
  });
});

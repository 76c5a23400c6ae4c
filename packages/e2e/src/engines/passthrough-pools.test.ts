import { defaultFleetSettings } from "@paddler/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientFor } from "../client/client-helpers.js";
import { waitUntil } from "../ndjson.js";
import { startTestCluster, type TestCluster, testDesiredState } from "../test-cluster.js";
import { startEngineAgent } from "./engine-agent.js";
import { type RecordingUpstream, startRecordingUpstream } from "./recording-upstream.js";

// Three pools: `default` runs the built-in engine on the real model; `alpha` and `beta` each have
// one agent in front of an OpenAI-compatible server of our own that records what reaches it. An
// OpenAI request forwarded as it came (ForwardHttp) must run in the pool its `model` routes to,
// exactly as a translated one does.
describe("passthrough follows the pool a request's model routes to", () => {
  let cluster: TestCluster;
  let alpha: RecordingUpstream;
  let beta: RecordingUpstream;
  let openaiUrl: string;

  const upstreamState = (model: string) =>
    testDesiredState({
      model: { LocalToAgent: `/models/${model}.gguf` },
      // A server the agent does not start keeps its own template (see the warning test elsewhere).
      use_chat_template_override: false,
      chat_template_override: null,
    });

  beforeAll(async () => {
    alpha = await startRecordingUpstream("alpha-model");
    beta = await startRecordingUpstream("beta-model");
    cluster = await startTestCluster({
      balancer: { compatOpenaiAddr: { host: "127.0.0.1", port: 0 }, bufferedRequestTimeoutMs: 180_000 },
      desiredState: testDesiredState(),
    });
    const client = clientFor(cluster);
    try {
      await client.management.pools.putDesiredState("alpha", upstreamState("alpha-model"));
      await client.management.pools.putDesiredState("beta", upstreamState("beta-model"));
      await client.management.pools.putFleetSettings({
        ...defaultFleetSettings,
        aliases: { "beta-alias": "beta" },
      });
      await cluster.addAgent({ name: "built-in", slots: 1 });
      await startEngineAgent(
        cluster,
        { kind: "OpenAIUpstream", url: alpha.rootUrl, apiKey: null },
        { slots: 2, name: "alpha-agent", pool: "alpha" },
      );
      await startEngineAgent(
        cluster,
        { kind: "OpenAIUpstream", url: `${beta.rootUrl}/v1`, apiKey: null },
        { slots: 2, name: "beta-agent", pool: "beta" },
      );
      await waitUntil(async () => {
        const { pools } = await client.management.pools.list();
        const slots = (name: string) => pools.find((pool) => pool.name === name)?.slots_total;
        return slots("default") === 1 && slots("alpha") === 2 && slots("beta") === 2;
      }, 120_000);
    } finally {
      client.close();
    }
    openaiUrl = `http://${cluster.balancer.addresses.compatOpenai}/v1`;
  }, 180_000);

  afterAll(async () => {
    await cluster?.close();
    await alpha?.close();
    await beta?.close();
  });

  const post = (path: string, body: string) =>
    fetch(`${openaiUrl}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body });

  it("sends each model's requests, as they came, to the upstream of its pool", async () => {
    const forAlpha = JSON.stringify({
      model: "alpha",
      messages: [{ role: "user", content: "Hi alpha" }],
      logprobs: true,
      n: 2,
    });
    const forBeta = JSON.stringify({ model: "beta-alias", messages: [{ role: "user", content: "Hi beta" }] });
    const [toAlpha, toBeta] = await Promise.all([
      post("/chat/completions", forAlpha),
      post("/chat/completions", forBeta),
    ]);
    expect(toAlpha.status).toBe(200);
    expect(toBeta.status).toBe(200);
    // The upstream's own reply, byte for byte: not a translation of ours.
    expect(((await toAlpha.json()) as { model: string }).model).toBe("alpha-model");
    expect(((await toBeta.json()) as { model: string }).model).toBe("beta-model");
    expect(alpha.requests.map((request) => request.body)).toEqual([forAlpha]);
    expect(beta.requests.map((request) => request.body)).toEqual([forBeta]);
    expect(alpha.requests[0]?.path).toBe("/v1/chat/completions");
  });

  it("passes an image_url content part through unchanged (no multimodal model here to read it)", async () => {
    const body = JSON.stringify({
      model: "beta",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "What is in this image?" },
            {
              type: "image_url",
              image_url: {
                url: "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
                detail: "low",
              },
            },
          ],
        },
      ],
      stream: true,
    });
    const before = beta.requests.length;
    const response = await post("/chat/completions", body);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("answered by beta-model");
    expect(beta.requests.slice(before).map((request) => request.body)).toEqual([body]);
  });

  it("keeps translating for a pool of built-in agents, whatever the other pools run", async () => {
    const before = alpha.requests.length + beta.requests.length;
    const response = await post(
      "/chat/completions",
      JSON.stringify({
        model: "stories260K.gguf",
        messages: [{ role: "user", content: "Once upon a time" }],
        max_tokens: 4,
      }),
    );
    expect(response.status).toBe(200);
    const reply = (await response.json()) as { model: string; choices: { message: { content: string } }[] };
    expect(reply.model).toBe("stories260K.gguf");
    expect(reply.choices[0]?.message.content).not.toContain("answered by");
    expect(alpha.requests.length + beta.requests.length).toBe(before);
  });

  it("answers a model no pool serves with model_not_found, forwarding nothing", async () => {
    const before = alpha.requests.length + beta.requests.length;
    const response = await post("/chat/completions", JSON.stringify({ model: "gpt-5", messages: [] }));
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("model_not_found");
    expect(alpha.requests.length + beta.requests.length).toBe(before);
  });

  it("lists what the upstreams serve on /v1/models beside the pools", async () => {
    const listed = (await (await fetch(`${openaiUrl}/models`)).json()) as { data: { id: string }[] };
    const ids = listed.data.map((model) => model.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        "stories260K.gguf",
        "alpha",
        "beta",
        "beta-alias",
        "alpha-model",
        "beta-model",
      ]),
    );
  });
});

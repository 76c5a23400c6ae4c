import Anthropic from "@anthropic-ai/sdk";
import { defaultFleetSettings, type InferenceClientMessage } from "@paddler/protocol";
import OpenAI from "openai";
import { afterEach, describe, expect, it } from "vitest";
import { clientFor } from "./client/client-helpers.js";
import { waitUntil } from "./ndjson.js";
import { startTestCluster, type TestCluster, testDesiredState } from "./test-cluster.js";

let cluster: TestCluster | null = null;
afterEach(async () => {
  await cluster?.close();
  cluster = null;
});

const chatState = testDesiredState();
const embedState = testDesiredState({
  inference_parameters: { ...testDesiredState().inference_parameters, enable_embeddings: true },
});

/** The default pool chats (2 agents), `embed` serves embeddings (1 agent): the same model, two modes. */
async function twoPools() {
  cluster = await startTestCluster({
    // Loading a model on a busy machine can take a while: scale-from-zero waits for it.
    balancer: { compatOpenaiAddr: { host: "127.0.0.1", port: 0 }, bufferedRequestTimeoutMs: 180_000 },
    desiredState: chatState,
  });
  const client = clientFor(cluster);
  expect(await client.management.pools.putDesiredState("embed", embedState)).toEqual({ created: true });
  await client.management.pools.putFleetSettings({
    ...defaultFleetSettings,
    aliases: { "story-teller": "default" },
    rules: [{ pattern: "text-embedding-.*", pool: "embed" }],
  });
  await cluster.addAgent({ name: "chat-1", slots: 2 });
  await cluster.addAgent({ name: "chat-2", slots: 2 });
  await cluster.addAgent({ name: "embed-1", slots: 1, pool: "embed" });
  await waitUntil(async () => {
    const { pools } = await client.management.pools.list();
    return (
      pools.find((pool) => pool.name === "default")?.slots_total === 4 &&
      pools.find((pool) => pool.name === "embed")?.slots_total === 1
    );
  }, 120_000);
  const openai = new OpenAI({
    baseURL: `http://${cluster.balancer.addresses.compatOpenai}/v1`,
    apiKey: "unused",
    maxRetries: 0,
  });
  return { cluster, client, openai };
}

/** The agent that answered (embedding streams end with the balancer's own `Done`, by nobody). */
function generatedBy(messages: InferenceClientMessage[]): string | null {
  for (const message of messages)
    if ("Response" in message && message.Response.generated_by !== null) return message.Response.generated_by;
  return null;
}

describe("two model pools side by side", () => {
  it("routes OpenAI requests by model file, alias and regex, native ones by header, and names a missing model", async () => {
    const { client, openai } = await twoPools();
    const chat = (model: string) =>
      openai.chat.completions.create({ model, messages: [{ role: "user", content: "Hi" }], max_tokens: 4 });
    expect((await chat("stories260K.gguf")).choices[0]?.message.content).toBeTypeOf("string");
    expect((await chat("story-teller")).choices[0]?.message.content).toBeTypeOf("string");
    const vectors = await openai.embeddings.create({
      model: "text-embedding-3-small",
      input: ["a cat", "a dog"],
    });
    expect(vectors.data).toHaveLength(2);
    expect(vectors.data[0]?.embedding).toHaveLength(64);
    expect((await openai.embeddings.create({ model: "embed", input: "x" })).data).toHaveLength(1);

    const missing = await chat("gpt-5").catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect((missing as InstanceType<typeof OpenAI.NotFoundError>).code).toBe("model_not_found");
    expect((missing as Error).message).toContain("'gpt-5'");
    expect((missing as Error).message).toContain("default, embed, story-teller");
    const listed = await openai.models.list();
    expect(listed.data.map((model) => model.id).sort()).toEqual([
      "embed",
      "stories260K.gguf",
      "story-teller",
    ]);

    // Native API: the header picks the pool; the chat pool refuses embeddings with Paddler's 501.
    const embedded: InferenceClientMessage[] = [];
    for await (const message of client.inference.generateEmbeddingBatch(
      { input_batch: [{ id: "1", content: "a cat" }], normalization_method: "L2" },
      { headers: { "X-Paddler-Pool": "embed" } },
    ))
      embedded.push(message);
    expect(generatedBy(embedded)).toBe("embed-1");
    // A client bound to a pool sends it on every request: over HTTP, and on the socket, where the
    // embeddings pool announces that it generates no tokens.
    const embedClient = clientFor(cluster as TestCluster, { pool: "embed" });
    try {
      const overHttp: InferenceClientMessage[] = [];
      for await (const message of embedClient.inference.generateEmbeddingBatch({
        input_batch: [{ id: "1", content: "a dog" }],
        normalization_method: "L2",
      }))
        overHttp.push(message);
      expect(generatedBy(overHttp)).toBe("embed-1");
      const stop = new AbortController();
      for await (const mode of embedClient.inference.socket.subscribeToTokenGenerationMode({
        signal: stop.signal,
      })) {
        expect(mode).toBe("TokenGenerationDisabled");
        stop.abort();
      }
    } finally {
      embedClient.close();
    }
    const refused = await fetch(`${cluster?.inferenceUrl}/api/v1/generate_embedding_batch`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ input_batch: [{ id: "1", content: "x" }], normalization_method: "L2" }),
    });
    expect(refused.status).toBe(501);

    const metrics = await client.management.metrics();
    expect(metrics).toContain('paddler_pool_slots_total{pool="embed"} 1');
    expect(metrics).toMatch(/paddler_prompt_tokens_total\{agent="chat-\d",pool="default"\}/);
  }, 240_000);

  it("routes Anthropic Messages requests by model as the OpenAI routes do, and names a missing model in Anthropic's shape", async () => {
    const { client } = await twoPools();
    // A third pool: the same model with other settings, reached by a rule only Anthropic names match.
    const claudeState = testDesiredState({
      inference_parameters: { ...chatState.inference_parameters, temperature: 0.2 },
    });
    expect(await client.management.pools.putDesiredState("claude", claudeState)).toEqual({ created: true });
    const settings = await client.management.pools.getFleetSettings();
    await client.management.pools.putFleetSettings({
      ...settings,
      rules: [...settings.rules, { pattern: "claude-.*", pool: "claude" }],
    });
    await cluster?.addAgent({ name: "claude-1", slots: 1, pool: "claude" });
    await waitUntil(
      async () =>
        (await client.management.pools.list()).pools.find((pool) => pool.name === "claude")?.slots_total ===
        1,
      120_000,
    );
    const anthropic = new Anthropic({
      baseURL: `http://${cluster?.balancer.addresses.compatOpenai}`,
      apiKey: "unused",
      maxRetries: 0,
    });
    const ask = (model: string) =>
      anthropic.messages.create({ model, max_tokens: 3, messages: [{ role: "user", content: "Hi" }] });

    // By regex rule, to the claude pool (its only agent counts the request), then by alias.
    expect((await ask("claude-3-5-haiku-latest")).content[0]?.type).toBe("text");
    expect(
      (
        await anthropic.messages.countTokens({
          model: "claude-sonnet-4",
          messages: [{ role: "user", content: "Once upon a time" }],
        })
      ).input_tokens,
    ).toBeGreaterThan(0);
    const served = async (agent: RegExp, pool: string) => {
      let total = 0;
      for (const match of (await client.management.metrics()).matchAll(
        /paddler_requests_total\{agent="([^"]+)",outcome="completed",pool="([^"]+)"\} (\d+)/g,
      ))
        if (agent.test(match[1] ?? "") && match[2] === pool) total += Number(match[3]);
      return total;
    };
    expect(await served(/^claude-1$/, "claude")).toBe(2);
    expect(await served(/^chat-\d$/, "default")).toBe(0);
    expect((await ask("story-teller")).content[0]?.type).toBe("text");
    expect(await served(/^chat-\d$/, "default")).toBe(1);
    expect(await served(/^claude-1$/, "claude")).toBe(2);

    // The embeddings pool is reached by its rule too, and refuses generation in Anthropic's shape.
    await expect(ask("text-embedding-3-small")).rejects.toMatchObject({
      status: 400,
      error: { type: "error", error: { type: "invalid_request_error" } },
    });

    const missing = await ask("gpt-5").catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(Anthropic.NotFoundError);
    const body = (missing as InstanceType<typeof Anthropic.NotFoundError>).error as {
      type: string;
      error: { type: string; message: string };
    };
    expect(body.type).toBe("error");
    expect(body.error.type).toBe("not_found_error");
    expect(body.error.message).toContain("'gpt-5'");
    expect(body.error.message).toContain("default, embed, claude, story-teller");
    const countMissing = await anthropic.messages
      .countTokens({ model: "gpt-5", messages: [{ role: "user", content: "x" }] })
      .catch((error: unknown) => error);
    expect(countMissing).toBeInstanceOf(Anthropic.NotFoundError);
  }, 240_000);

  it("buffers a request for a pool with no agent and serves it once an agent joins that pool; an agent moves pools when the settings say so", async () => {
    const { client, openai } = await twoPools();
    expect(await client.management.pools.putDesiredState("late", chatState)).toEqual({ created: true });
    const waiting = openai.chat.completions.create({
      model: "late",
      messages: [{ role: "user", content: "Hi" }],
      max_tokens: 4,
    });
    await waitUntil(
      async () => (await client.management.pools.bufferedRequests("late")).buffered_requests_current === 1,
    );
    // Other pools keep serving meanwhile.
    await openai.chat.completions.create({
      model: "story-teller",
      messages: [{ role: "user", content: "Hi" }],
      max_tokens: 2,
    });
    await cluster?.addAgent({ name: "late-1", slots: 1, pool: "late" });
    expect((await waiting).choices[0]?.message.content).toBeTypeOf("string");

    // The stored settings move an agent to another pool: chat-2 leaves the default pool (it was
    // started with no --pool) and serves `late`, whose one-slot agent cannot take three at once.
    await client.management.pools.putFleetSettings({
      ...(await client.management.pools.getFleetSettings()),
      agent_pools: { "chat-2": "late" },
    });
    await waitUntil(async () => {
      const { pools } = await client.management.pools.list();
      return (
        pools.find((pool) => pool.name === "late")?.slots_total === 3 &&
        pools.find((pool) => pool.name === "default")?.slots_total === 2
      );
    }, 120_000);
    const lateStory = async () => {
      const messages: InferenceClientMessage[] = [];
      for await (const message of client.inference.continueFromRawPrompt(
        { raw_prompt: "Once upon a time", max_tokens: 48 },
        { headers: { "X-Paddler-Pool": "late" } },
      ))
        messages.push(message);
      return generatedBy(messages);
    };
    const servedBy = await Promise.all([lateStory(), lateStory(), lateStory()]);
    expect(servedBy).toContain("chat-2");
    expect(servedBy.every((agent) => agent === "chat-2" || agent === "late-1")).toBe(true);
  }, 240_000);

  it("keeps a session on its agent (sticky) and a conversation where its prefix is cached (prefix_affinity)", async () => {
    const { client } = await twoPools();
    await client.management.pools.putPolicy("default", "sticky");
    const story = async (headers: Record<string, string>, prompt = "Once upon a time") => {
      const messages: InferenceClientMessage[] = [];
      for await (const message of client.inference.continueFromRawPrompt(
        { raw_prompt: prompt, max_tokens: 4 },
        { headers },
      ))
        messages.push(message);
      return messages;
    };
    const first = generatedBy(await story({ "X-Session-Id": "alice" }));
    for (let i = 0; i < 4; i++) expect(generatedBy(await story({ "X-Session-Id": "alice" }))).toBe(first);

    await client.management.pools.putPolicy("default", "prefix_affinity");
    const conversation = `${"Lily and Max went to the park to play with a big red ball. ".repeat(6)}Then`;
    const turn1 = await story({}, conversation);
    const agent = generatedBy(turn1);
    for (let turn = 2; turn <= 4; turn++) {
      const messages = await story({}, `${conversation} turn ${turn}`);
      expect(generatedBy(messages)).toBe(agent);
      const done = messages.findLast((message) => "Response" in message);
      const response = done && "Response" in done ? done.Response.response : null;
      const usage =
        response &&
        typeof response === "object" &&
        "GeneratedToken" in response &&
        typeof response.GeneratedToken === "object" &&
        "Done" in response.GeneratedToken
          ? response.GeneratedToken.Done.usage
          : null;
      // The agent reused the KV cache the first turn left behind.
      expect(usage?.cached_prompt_tokens).toBeGreaterThan(50);
    }
  }, 240_000);
});

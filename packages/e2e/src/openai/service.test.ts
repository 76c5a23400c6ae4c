import { APIError } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OpenAITestCluster, startOpenAICluster, waitForIdleSlots } from "./openai-cluster.js";

async function apiError(promise: Promise<unknown>): Promise<APIError> {
  const caught = await promise.then(
    () => null,
    (error: unknown) => error,
  );
  if (!(caught instanceof APIError)) throw new Error(`expected an APIError, got ${String(caught)}`);
  return caught;
}

describe("the OpenAI service: models, health, cancellation and errors", () => {
  let t: OpenAITestCluster;
  beforeAll(async () => {
    t = await startOpenAICluster();
  });
  afterAll(() => t.cluster.close());

  it("answers /health", async () => {
    const response = await fetch(t.baseUrl.replace(/\/v1$/, "/health"));
    expect(await response.text()).toBe("OK");
  });

  it("lists the model the fleet serves and retrieves it by id", async () => {
    const models = [];
    for await (const model of t.openai.models.list()) models.push(model);
    expect(models).toEqual([
      { id: "stories260K.gguf", object: "model", created: expect.any(Number), owned_by: "paddler" },
    ]);
    expect((await t.openai.models.retrieve("stories260K.gguf")).id).toBe("stories260K.gguf");
    const missing = await apiError(t.openai.models.retrieve("gpt-4o"));
    expect(missing.status).toBe(404);
    expect(missing.code).toBe("model_not_found");
  });

  it("a cancelled stream stops the request on the agent and frees its slot", async () => {
    const stream = await t.openai.completions.create({
      model: "m",
      prompt: "Once upon a time",
      max_tokens: 1900,
      temperature: 1,
      stream: true,
    });
    let chunks = 0;
    for await (const _chunk of stream) {
      chunks++;
      if (chunks === 3) {
        const busy = await t.cluster.agentsSnapshot();
        expect(busy.agents[0]?.slots_processing).toBe(1);
        break; // the SDK aborts the HTTP request when the loop is left
      }
    }
    expect(chunks).toBe(3);
    await waitForIdleSlots(t.cluster);
    // Both slots serve again.
    const [a, b] = await Promise.all(
      [0, 1].map(() =>
        t.openai.completions.create({ model: "m", prompt: "The cat", max_tokens: 4, temperature: 0 }),
      ),
    );
    expect(a?.choices[0]?.text).toBe(b?.choices[0]?.text);
  });

  it("refuses n beyond 16 with a 400 naming the param", async () => {
    const error = await apiError(
      t.openai.chat.completions.create({ model: "m", messages: [{ role: "user", content: "hi" }], n: 17 }),
    );
    expect(error.status).toBe(400);
    expect(error.type).toBe("invalid_request_error");
    expect(error.param).toBe("n");
    expect(error.error).toMatchObject({
      message: expect.any(String),
      type: "invalid_request_error",
      param: "n",
    });
  });

  it("refuses fields of the wrong type and bad messages (unknown fields are ignored)", async () => {
    const bad = (body: Record<string, unknown>) =>
      apiError(
        t.openai.chat.completions.create({
          model: "m",
          messages: [{ role: "user", content: "hi" }],
          ...body,
        } as unknown as Parameters<typeof t.openai.chat.completions.create>[0]),
      );
    const temperature = await bad({ temperature: "hot" });
    expect([temperature.status, temperature.param]).toEqual([400, "temperature"]);
    const logprobs = await bad({ logprobs: "yes" });
    expect([logprobs.status, logprobs.param]).toEqual([400, "logprobs"]);
    const role = await bad({ messages: [{ role: "wizard", content: "hi" }] });
    expect(role.status).toBe(400);
    expect(role.param).toMatch(/^messages\[0\]/);
    const tool = await bad({
      tools: [
        {
          type: "function",
          function: { name: "f", parameters: { type: "object", properties: {}, required: ["x"] } },
        },
      ],
    });
    expect(tool.status).toBe(400);
    expect(tool.param).toMatch(/^tools/);
  });

  it("answers a body that is not JSON and an unknown route in OpenAI's shape", async () => {
    const notJson = await fetch(`${t.baseUrl}/chat/completions`, { method: "POST", body: "{" });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toMatchObject({ error: { type: "invalid_request_error", param: null } });
    const missing = await fetch(`${t.baseUrl}/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: "unknown_url" } });
  });

  it("refuses embeddings while the cluster is not in embeddings mode (a 400: SDKs retry any 5xx)", async () => {
    const response = await fetch(`${t.baseUrl}/embeddings`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ model: "m", input: "hi" }),
    });
    expect(response.status).toBe(400);
    expect(response.headers.get("x-should-retry")).toBe("false");
    expect(await response.json()).toEqual({
      error: {
        message: expect.stringContaining("enable_embeddings"),
        type: "invalid_request_error",
        param: null,
        code: "embeddings_disabled",
      },
    });
    const viaSdk = await apiError(t.openai.embeddings.create({ model: "m", input: "hi" }));
    expect(viaSdk.status).toBe(400);
  });
});

describe("the OpenAI and Anthropic services when the buffer overflows", () => {
  let t: OpenAITestCluster;
  beforeAll(async () => {
    t = await startOpenAICluster({
      slots: 1,
      balancer: { maxBufferedRequests: 1, bufferedRequestTimeoutMs: 60_000 },
    });
  });
  afterAll(() => t.cluster.close());

  it("answers 503 with Retry-After (a retry may succeed; a mode error would be a 400)", async () => {
    const post = (path: string, body: unknown, signal?: AbortSignal) =>
      fetch(`${t.baseUrl}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", "anthropic-version": "2023-06-01" },
        body: JSON.stringify(body),
        ...(signal ? { signal } : {}),
      });
    const messages = [{ role: "user", content: "Once upon a time" }];
    // The only slot runs a long story, read slowly; one more request waits in the buffer.
    const busyAbort = new AbortController();
    const busy = await post(
      "/chat/completions",
      { model: "m", messages, max_tokens: 1500, stream: true, ignore_eos: true },
      busyAbort.signal,
    );
    const busyReader = busy.body?.getReader();
    await busyReader?.read();
    const buffered = post("/chat/completions", { model: "m", messages, max_tokens: 2 });
    const deadline = Date.now() + 20_000;
    for (;;) {
      const { buffered_requests_current: count } = await (
        await fetch(`${t.cluster.managementUrl}/api/v1/buffered_requests`)
      ).json();
      if (count === 1) break;
      if (Date.now() > deadline) throw new Error("the second request was never buffered");
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const openai = await post("/chat/completions", { model: "m", messages, max_tokens: 2 });
    expect(openai.status).toBe(503);
    expect(openai.headers.get("retry-after")).toBe("1");
    expect(openai.headers.get("x-should-retry")).toBeNull();
    expect(await openai.json()).toMatchObject({ error: { message: expect.stringContaining("overflow") } });
    const anthropic = await post("/messages", { model: "m", messages, max_tokens: 2 });
    expect(anthropic.status).toBe(503);
    expect(anthropic.headers.get("retry-after")).toBe("1");
    expect(await anthropic.json()).toMatchObject({ type: "error", error: { type: "overloaded_error" } });
    busyAbort.abort();
    await busyReader?.cancel().catch(() => undefined);
    expect((await buffered).status).toBe(200);
  });
});

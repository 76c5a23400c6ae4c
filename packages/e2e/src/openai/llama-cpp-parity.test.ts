import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OpenAITestCluster, startOpenAICluster } from "./openai-cluster.js";

// Each test is a request llama-server accepts that Paddler refused or answered wrongly (issue 13).
const messages = [
  { role: "system" as const, content: "You tell short stories." },
  { role: "user" as const, content: "Once upon a time" },
];

// biome-ignore lint/suspicious/noExplicitAny: the tests read arbitrary JSON answers
type AnyJson = any;

async function post(t: OpenAITestCluster, path: string, body: unknown) {
  const response = await fetch(`${t.baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    json: (await response.json()) as AnyJson,
  };
}

describe("OpenAI service: llama-server's leniency and extras", () => {
  let t: OpenAITestCluster;
  beforeAll(async () => {
    t = await startOpenAICluster();
  });
  afterAll(() => t.cluster.close());

  it("accepts unknown keys, top level and nested (the Agents SDK's second turn), and ignores them", async () => {
    const { status, json } = await post(t, "/chat/completions", {
      model: "m",
      max_tokens: 4,
      some_future_field: { x: 1 },
      messages: [
        { role: "user", content: "Hi", cache_control: { type: "ephemeral" } },
        {
          role: "assistant",
          content: [{ type: "text", text: "Hello", role: "assistant", refusal: null, annotations: [] }],
        },
        { role: "user", content: "Once upon a time" },
      ],
    });
    expect(status).toBe(200);
    expect(json.choices[0].message.content.length).toBeGreaterThan(0);
  });

  it("still checks the types of the keys it uses", async () => {
    const { status, json } = await post(t, "/chat/completions", { model: "m", messages, temperature: "hot" });
    expect(status).toBe(400);
    expect(json.error.param).toBe("temperature");
  });

  it("accepts llama.cpp's request extras", async () => {
    const { status, json } = await post(t, "/chat/completions", {
      model: "m",
      messages,
      max_tokens: 6,
      chat_template_kwargs: { enable_thinking: false },
      cache_prompt: true,
      repetition_penalty: 1.1,
      typical_p: 0.9,
      top_k: 20,
      min_p: 0.05,
      ignore_eos: true,
      n_probs: 2,
      stream_options: { continuous_usage_stats: true },
    });
    expect(status).toBe(200);
    // ignore_eos: the model cannot end before max_tokens.
    expect(json.usage.completion_tokens).toBe(6);
    expect(json.choices[0].finish_reason).toBe("length");
  });

  it("applies a GBNF grammar", async () => {
    const { status, json } = await post(t, "/chat/completions", {
      model: "m",
      messages,
      max_tokens: 20,
      grammar: 'root ::= "yes" | "no"',
    });
    expect(status).toBe(200);
    expect(["yes", "no"]).toContain(json.choices[0].message.content);
  });

  it("streams usage on every chunk with continuous_usage_stats", async () => {
    const response = await fetch(`${t.baseUrl}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "m",
        messages,
        max_tokens: 5,
        stream: true,
        stream_options: { continuous_usage_stats: true },
      }),
    });
    const chunks = (await response.text())
      .split("\n\n")
      .filter((line) => line.startsWith("data: {"))
      .map((line) => JSON.parse(line.slice(6)));
    expect(chunks.length).toBeGreaterThan(2);
    for (const chunk of chunks) expect(chunk.usage?.completion_tokens).toBeGreaterThanOrEqual(0);

    const completion = await fetch(`${t.baseUrl}/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "m",
        prompt: "Once upon a time",
        max_tokens: 5,
        stream: true,
        stream_options: { continuous_usage_stats: true },
      }),
    });
    const pieces = (await completion.text())
      .split("\n\n")
      .filter((line) => line.startsWith("data: {"))
      .map((line) => JSON.parse(line.slice(6)));
    const counts = pieces.map((piece) => piece.usage?.completion_tokens);
    expect(counts.length).toBeGreaterThan(2);
    // Growing with every text piece, up to all five tokens on the last chunk.
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts.at(-1)).toBe(5);
    expect(pieces.at(-1)?.usage?.prompt_tokens).toBeGreaterThan(0);
  });

  it("refuses a prompt longer than the slot's context with 400 context_length_exceeded, before generating", async () => {
    const long = "Once upon a time there was a little girl. ".repeat(300);
    const { status, headers, json } = await post(t, "/chat/completions", {
      model: "m",
      messages: [{ role: "user", content: long }],
    });
    expect(status).toBe(400);
    expect(json.error.code).toBe("context_length_exceeded");
    expect(headers.get("x-should-retry")).toBe("false");
    // The official client does not retry it and reports a BadRequestError.
    const client = new OpenAI({ baseURL: t.baseUrl, apiKey: "x" });
    await expect(
      client.chat.completions.create({ model: "m", messages: [{ role: "user", content: long }] }),
    ).rejects.toBeInstanceOf(OpenAI.BadRequestError);
  });

  it("ends a generation that fills the context with finish_reason length, and the default max is what fits", async () => {
    const completion = await t.openai.chat.completions.create({
      model: "m",
      messages,
      // @ts-expect-error llama.cpp's extra
      ignore_eos: true,
    });
    const choice = completion.choices[0];
    expect(choice?.finish_reason).toBe("length");
    // One slot holds 1024 tokens (2048 shared by two slots).
    expect(
      (completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0),
    ).toBeGreaterThan(1000);
    expect(choice?.message.content?.length).toBeGreaterThan(100);

    const response = await t.openai.responses.create({
      model: "m",
      input: "Once upon a time",
      ignore_eos: true,
    } as never);
    expect(response.status).toBe("incomplete");
  });

  it("takes more than 4 stop strings, and names the field when there are too many", async () => {
    const stop = ["zzz1", "zzz2", "zzz3", "zzz4", "zzz5", "zzz6"];
    const ok = await post(t, "/chat/completions", { model: "m", messages, max_tokens: 4, stop });
    expect(ok.status).toBe(200);
    const tooMany = await post(t, "/chat/completions", {
      model: "m",
      messages,
      stop: Array.from({ length: 40 }, (_, i) => `s${i}`),
    });
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.error.param).toBe("stop");
    expect(tooMany.json.error.message).toMatch(/at most 32 stop sequences/);
  });

  it("answers an empty messages array as llama-server does", async () => {
    const { status, json } = await post(t, "/chat/completions", { model: "m", messages: [], max_tokens: 4 });
    expect(status).toBe(200);
    expect(json.choices[0].message.role).toBe("assistant");
  });

  it("forces a tool with tool_choice required / a named tool, and the call is not also content", async () => {
    const tools = [
      {
        type: "function" as const,
        function: {
          name: "get_weather",
          description: "Weather in a city",
          parameters: {
            type: "object",
            properties: {
              city: { type: "string", maxLength: 12 },
              days: { type: "integer", minimum: 1, maximum: 9 },
            },
            required: ["city", "days"],
          },
        },
      },
      {
        type: "function" as const,
        function: { name: "noop", parameters: { type: "object", properties: {} } },
      },
    ];
    for (const tool_choice of [
      "required",
      { type: "function", function: { name: "get_weather" } },
    ] as const) {
      const completion = await t.openai.chat.completions.create({
        model: "m",
        messages,
        tools,
        tool_choice,
        parallel_tool_calls: false,
        temperature: 0.8,
        seed: 3,
      });
      const choice = completion.choices[0];
      expect(choice?.finish_reason).toBe("tool_calls");
      expect(choice?.message.content).toBeNull();
      const calls = choice?.message.tool_calls ?? [];
      expect(calls).toHaveLength(1);
      const call = calls[0] as { function: { name: string; arguments: string } };
      if (typeof tool_choice === "object") expect(call.function.name).toBe("get_weather");
      if (call.function.name === "get_weather") {
        const args = JSON.parse(call.function.arguments);
        expect(args.days).toBeGreaterThanOrEqual(1);
        expect(args.days).toBeLessThanOrEqual(9);
        expect(args.city.length).toBeLessThanOrEqual(12);
      }
    }
    const unknown = await post(t, "/chat/completions", {
      model: "m",
      messages,
      tools,
      tool_choice: { type: "function", function: { name: "nope" } },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.param).toBe("tool_choice");
  });

  it("honours minimum/maximum, pattern, length and format in a JSON schema", async () => {
    const schema = {
      type: "object",
      properties: {
        n: { type: "integer", minimum: 1, maximum: 9 },
        code: { type: "string", pattern: "^[A-Z]{2}-[0-9]{3}$" },
        name: { type: "string", minLength: 2, maxLength: 6 },
        day: { type: "string", format: "date" },
      },
      required: ["n", "code", "name", "day"],
      additionalProperties: false,
    };
    for (const seed of [1, 2, 3]) {
      const completion = await t.openai.chat.completions.create({
        model: "m",
        messages,
        temperature: 1,
        seed,
        response_format: { type: "json_schema", json_schema: { name: "x", schema, strict: true } },
      });
      const value = JSON.parse(completion.choices[0]?.message.content ?? "");
      expect(value.n).toBeGreaterThanOrEqual(1);
      expect(value.n).toBeLessThanOrEqual(9);
      expect(value.code).toMatch(/^[A-Z]{2}-[0-9]{3}$/);
      expect(value.name.length).toBeGreaterThanOrEqual(2);
      expect(value.name.length).toBeLessThanOrEqual(6);
      expect(value.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it("refuses a schema that cannot be compiled with a 400 naming the schema path", async () => {
    const { status, json } = await post(t, "/chat/completions", {
      model: "m",
      messages,
      response_format: {
        type: "json_schema",
        json_schema: { name: "x", schema: { type: "object", properties: { a: { type: "integr" } } } },
      },
    });
    expect(status).toBe(400);
    expect(json.error.param).toBe("response_format.json_schema.schema.properties.a.type");
  });

  it("returns logprobs and top_logprobs on chat and completions", async () => {
    const chat = await t.openai.chat.completions.create({
      model: "m",
      messages,
      max_tokens: 4,
      logprobs: true,
      top_logprobs: 2,
      temperature: 1,
      top_p: 1,
      min_p: 0,
    } as never);
    const content = (chat as OpenAI.ChatCompletion).choices[0]?.logprobs?.content ?? [];
    expect(content).toHaveLength(4);
    for (const entry of content) {
      expect(entry.logprob).toBeLessThanOrEqual(0);
      expect(entry.top_logprobs).toHaveLength(2);
    }
    const completion = await t.openai.completions.create({
      model: "m",
      prompt: "Once upon a time",
      max_tokens: 3,
      logprobs: 2,
    });
    const logprobs = completion.choices[0]?.logprobs;
    expect(logprobs?.tokens).toHaveLength(3);
    expect(logprobs?.token_logprobs).toHaveLength(3);
  });

  it("runs n > 1 choices", async () => {
    const completion = await t.openai.chat.completions.create({ model: "m", messages, max_tokens: 4, n: 2 });
    expect(completion.choices.map((choice) => choice.index)).toEqual([0, 1]);
    const stream = await t.openai.chat.completions.create({
      model: "m",
      messages,
      max_tokens: 4,
      n: 2,
      stream: true,
    });
    const finished = new Set<number>();
    for await (const chunk of stream)
      for (const choice of chunk.choices) if (choice.finish_reason) finished.add(choice.index);
    expect([...finished].sort()).toEqual([0, 1]);
  });

  it("takes token-id prompts on /v1/completions and names the field for bad ones", async () => {
    const completion = await t.openai.completions.create({
      model: "m",
      prompt: [1, 400, 300],
      max_tokens: 3,
    });
    expect(completion.usage?.prompt_tokens).toBe(3);
    const batch = await t.openai.completions.create({
      model: "m",
      prompt: [
        [1, 400],
        [1, 300],
      ],
      max_tokens: 2,
    });
    expect(batch.choices).toHaveLength(2);
    const negative = await post(t, "/completions", { model: "m", prompt: [1, -4] });
    expect(negative.status).toBe(400);
    expect(negative.json.error.param).toMatch(/^prompt/);
    expect(negative.json.error.message).toMatch(/token ids/);
    const unknown = await post(t, "/completions", { model: "m", prompt: [1, 99999], max_tokens: 2 });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.message).toMatch(/99999.*vocabulary/);
  });

  it("keeps responses with store, so previous_response_id and item_reference work", async () => {
    const first = await t.openai.responses.create({
      model: "m",
      input: "Once upon a time",
      max_output_tokens: 4,
    });
    expect((first as unknown as { store: boolean }).store).toBe(true);
    const second = await t.openai.responses.create({
      model: "m",
      previous_response_id: first.id,
      input: "Tell me more",
      max_output_tokens: 4,
    });
    expect(second.previous_response_id).toBe(first.id);
    // The earlier turn is in the prompt: more prompt tokens than the new input alone.
    expect(second.usage?.input_tokens).toBeGreaterThan(first.usage?.input_tokens ?? 0);
    const messageId = first.output.find((item) => item.type === "message")?.id ?? "";
    const referenced = await t.openai.responses.create({
      model: "m",
      input: [
        { role: "user", content: "Once upon a time" },
        { type: "item_reference", id: messageId },
        { role: "user", content: "More" },
      ],
      max_output_tokens: 4,
    });
    expect(referenced.status).not.toBe("failed");
    const missing = await post(t, "/responses", {
      model: "m",
      previous_response_id: "resp_nope",
      input: "x",
    });
    expect(missing.status).toBe(400);
    expect(missing.json.error.param).toBe("previous_response_id");
  });

  it("names an unknown input item type", async () => {
    const { status, json } = await post(t, "/responses", {
      model: "m",
      input: [{ type: "web_search_call", id: "x" }],
    });
    expect(status).toBe(400);
    expect(json.error.param).toBe("input[0].type");
    expect(json.error.message).toMatch(/unknown input item type "web_search_call"/);
  });
});

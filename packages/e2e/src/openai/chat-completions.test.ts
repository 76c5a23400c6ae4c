import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OpenAITestCluster, startOpenAICluster } from "./openai-cluster.js";

const messages = [
  { role: "system" as const, content: "You tell short stories." },
  { role: "user" as const, content: "Once upon a time" },
];

describe("POST /v1/chat/completions with the openai client", () => {
  let t: OpenAITestCluster;
  beforeAll(async () => {
    t = await startOpenAICluster();
  });
  afterAll(() => t.cluster.close());

  it("answers without streaming, echoing the model name, with usage", async () => {
    const completion = await t.openai.chat.completions.create({
      model: "any-model-name",
      messages,
      max_tokens: 16,
      temperature: 0,
    });
    expect(completion.object).toBe("chat.completion");
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.model).toBe("any-model-name");
    const [choice] = completion.choices;
    expect(choice?.message.role).toBe("assistant");
    expect(choice?.message.content?.length).toBeGreaterThan(0);
    expect(choice?.message.refusal).toBeNull();
    expect(["stop", "length"]).toContain(choice?.finish_reason);
    expect(completion.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
    expect(completion.usage?.completion_tokens).toBeLessThanOrEqual(16);
    expect(completion.usage?.total_tokens).toBe(
      (completion.usage?.prompt_tokens ?? 0) + (completion.usage?.completion_tokens ?? 0),
    );
    expect(completion.usage?.prompt_tokens_details?.cached_tokens).toBeGreaterThanOrEqual(0);
    expect(completion.usage?.completion_tokens_details?.reasoning_tokens).toBe(0);
  });

  it("reports finish_reason length when max_tokens cuts the answer", async () => {
    const completion = await t.openai.chat.completions.create({
      model: "m",
      messages,
      max_completion_tokens: 3,
      temperature: 0,
    });
    expect(completion.choices[0]?.finish_reason).toBe("length");
    expect(completion.usage?.completion_tokens).toBe(3);
  });

  it("streams chunks: role first, content deltas, a finish chunk, usage, [DONE]", async () => {
    const stream = await t.openai.chat.completions.create({
      model: "m",
      messages,
      max_tokens: 12,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0]?.choices[0]?.delta.role).toBe("assistant");
    expect(chunks.every((chunk) => chunk.object === "chat.completion.chunk")).toBe(true);
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? "").join("");
    expect(text.length).toBeGreaterThan(0);
    const finish = chunks.find((chunk) => chunk.choices[0]?.finish_reason);
    expect(["stop", "length"]).toContain(finish?.choices[0]?.finish_reason);
    const usage = chunks.at(-1);
    expect(usage?.choices).toEqual([]);
    expect(usage?.usage?.completion_tokens).toBeGreaterThan(0);

    // The same request without streaming gives the same text (temperature 0).
    const whole = await t.openai.chat.completions.create({
      model: "m",
      messages,
      max_tokens: 12,
      temperature: 0,
    });
    expect(whole.choices[0]?.message.content).toBe(text);
  });

  it("accepts assistant tool calls with null content and tool messages in the history", async () => {
    const completion = await t.openai.chat.completions.create({
      model: "m",
      max_tokens: 8,
      temperature: 0,
      messages: [
        { role: "user", content: [{ type: "text", text: "What is the weather?" }] },
        {
          role: "assistant",
          content: null,
          tool_calls: [
            { id: "call_1", type: "function", function: { name: "weather", arguments: '{"city":"Oslo"}' } },
          ],
        },
        { role: "tool", tool_call_id: "call_1", content: "sunny" },
      ],
      tools: [
        {
          type: "function",
          function: {
            name: "weather",
            description: "Weather in a city",
            parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
          },
        },
      ],
    });
    expect(completion.choices[0]?.finish_reason).toBeDefined();
  });

  describe("per-request sampling", () => {
    const ask = (overrides: { temperature?: number; seed?: number; stop?: string | string[] }) =>
      t.openai.chat.completions
        .create({ model: "m", messages, max_tokens: 40, ...overrides })
        .then((completion) => completion.choices[0]?.message.content ?? "");

    it("temperature 0 twice gives the same text", async () => {
      expect(await ask({ temperature: 0 })).toBe(await ask({ temperature: 0 }));
    });

    it("the same seed at temperature 1.5 gives the same text, different seeds differ", async () => {
      const first = await ask({ temperature: 1.5, seed: 42 });
      expect(await ask({ temperature: 1.5, seed: 42 })).toBe(first);
      const others = await Promise.all([7, 8, 9].map((seed) => ask({ temperature: 1.5, seed })));
      expect(others.some((text) => text !== first)).toBe(true);
    });

    it("ends before a stop string and does not return it", async () => {
      const full = await ask({ temperature: 0 });
      // A stop word taken from the greedy answer itself, so it is sure to come up.
      const word = full.trim().split(/\s+/)[2];
      expect(word).toBeDefined();
      const stopped = await ask({ temperature: 0, stop: [word ?? ""] });
      expect(stopped).not.toContain(word);
      expect(full.startsWith(stopped)).toBe(true);
      expect(stopped.length).toBeLessThan(full.length);
    });
  });

  it("a json_schema response_format gives JSON that parses and matches the schema", async () => {
    const completion = await t.openai.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "Give me a name." }],
      max_tokens: 60,
      temperature: 0,
      response_format: {
        type: "json_schema",
        json_schema: {
          name: "person",
          schema: {
            type: "object",
            properties: { name: { type: "string", maxLength: 8 } },
            required: ["name"],
            additionalProperties: false,
          },
        },
      },
    });
    const text = completion.choices[0]?.message.content ?? "";
    const parsed = JSON.parse(text) as { name?: unknown };
    expect(Object.keys(parsed)).toEqual(["name"]);
    expect(typeof parsed.name).toBe("string");
  });

  it("a json_object response_format gives a JSON object", async () => {
    const completion = await t.openai.chat.completions.create({
      model: "m",
      messages: [{ role: "user", content: "Answer in JSON." }],
      max_tokens: 30,
      temperature: 0,
      response_format: { type: "json_object" },
    });
    expect(completion.choices[0]?.message.content?.trimStart().startsWith("{")).toBe(true);
  });
});

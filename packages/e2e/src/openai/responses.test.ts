import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OpenAITestCluster, startOpenAICluster } from "./openai-cluster.js";

describe("POST /v1/responses with the openai client", () => {
  let t: OpenAITestCluster;
  beforeAll(async () => {
    t = await startOpenAICluster();
  });
  afterAll(() => t.cluster.close());

  it("answers a string input without streaming", async () => {
    const response = await t.openai.responses.create({
      model: "stories",
      instructions: "You tell stories.",
      input: "Once upon a time",
      max_output_tokens: 12,
      temperature: 0,
    });
    expect(response.id).toMatch(/^resp_/);
    expect(response.object).toBe("response");
    expect(response.model).toBe("stories");
    expect(["completed", "incomplete"]).toContain(response.status);
    expect(response.output_text.length).toBeGreaterThan(0);
    expect(response.output[0]?.type).toBe("message");
    expect(response.usage?.input_tokens).toBeGreaterThan(0);
    expect(response.usage?.output_tokens).toBeGreaterThan(0);
    expect(response.usage?.output_tokens).toBeLessThanOrEqual(12);
  });

  it("marks a response cut by max_output_tokens incomplete", async () => {
    const response = await t.openai.responses.create({
      model: "m",
      input: [{ role: "user", content: [{ type: "input_text", text: "Once upon a time" }] }],
      max_output_tokens: 3,
      temperature: 0,
    });
    expect(response.status).toBe("incomplete");
    expect(response.incomplete_details?.reason).toBe("max_output_tokens");
  });

  it("takes function_call and function_call_output items in the input", async () => {
    const response = await t.openai.responses.create({
      model: "m",
      max_output_tokens: 6,
      temperature: 0,
      input: [
        { role: "user", content: "weather?" },
        { type: "function_call", call_id: "c1", name: "weather", arguments: '{"city":"Oslo"}' },
        { type: "function_call_output", call_id: "c1", output: "sunny" },
      ],
      tools: [
        {
          type: "function",
          name: "weather",
          description: "Weather",
          parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
          strict: false,
        },
      ],
    });
    expect(response.output.length).toBeGreaterThan(0);
  });

  it("streams named events with growing sequence numbers, ending in response.completed", async () => {
    const stream = await t.openai.responses.create({
      model: "m",
      input: "Once upon a time",
      max_output_tokens: 40,
      temperature: 0,
      stop: ["."],
      stream: true,
    } as Parameters<typeof t.openai.responses.create>[0] & { stream: true });
    const events = [];
    for await (const event of stream) events.push(event);
    const types = events.map((event) => event.type);
    expect(types.slice(0, 4)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
    ]);
    expect(types).toContain("response.output_text.delta");
    expect(types.slice(-4)).toEqual([
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(events.map((event) => event.sequence_number)).toEqual(events.map((_, index) => index));
    const deltas = events.flatMap((event) =>
      event.type === "response.output_text.delta" ? [event.delta] : [],
    );
    const done = events.find((event) => event.type === "response.output_text.done");
    expect(done?.type === "response.output_text.done" && done.text).toBe(deltas.join(""));
    const completed = events.at(-1);
    const message = completed?.type === "response.completed" ? completed.response.output[0] : undefined;
    expect(message?.type === "message" && message.content[0]).toMatchObject({
      type: "output_text",
      text: deltas.join(""),
    });
  });

  it("a json_schema text format gives JSON that parses", async () => {
    const response = await t.openai.responses.create({
      model: "m",
      input: "Give me a name.",
      max_output_tokens: 60,
      temperature: 0,
      text: {
        format: {
          type: "json_schema",
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
    const parsed = JSON.parse(response.output_text) as { name?: unknown };
    expect(typeof parsed.name).toBe("string");
  });
});

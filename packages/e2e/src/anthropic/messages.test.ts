import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OpenAITestCluster, startOpenAICluster } from "../openai/openai-cluster.js";

// Anthropic's official SDK, unchanged, on the OpenAI-compatible address (issue 13).
describe("Anthropic Messages API with @anthropic-ai/sdk", () => {
  let t: OpenAITestCluster;
  let anthropic: Anthropic;
  beforeAll(async () => {
    t = await startOpenAICluster();
    anthropic = new Anthropic({ baseURL: t.baseUrl.replace(/\/v1$/, ""), apiKey: "x", maxRetries: 0 });
  });
  afterAll(() => t.cluster.close());

  const tools: Anthropic.Tool[] = [
    {
      name: "get_weather",
      description: "Weather in a city",
      input_schema: {
        type: "object",
        properties: { city: { type: "string", maxLength: 10 } },
        required: ["city"],
      },
    },
  ];

  it("creates a message with a system prompt, stop_reason and usage", async () => {
    const message = await anthropic.messages.create({
      model: "m",
      max_tokens: 5,
      system: "You tell short stories.",
      messages: [{ role: "user", content: "Once upon a time" }],
    });
    expect(message.type).toBe("message");
    expect(message.role).toBe("assistant");
    expect(message.id).toMatch(/^msg_/);
    expect(message.content[0]?.type).toBe("text");
    expect(message.stop_reason).toBe("max_tokens");
    expect(message.usage.output_tokens).toBe(5);
    expect(message.usage.input_tokens + (message.usage.cache_read_input_tokens ?? 0)).toBeGreaterThan(0);
  });

  it("reports the stop sequence that ended a message", async () => {
    const free = await anthropic.messages.create({
      model: "m",
      max_tokens: 30,
      messages: [{ role: "user", content: "Once upon a time" }],
    });
    const text = free.content.map((block) => (block.type === "text" ? block.text : "")).join("");
    const word = text.trim().split(/\s+/)[2] ?? "";
    const stopped = await anthropic.messages.create({
      model: "m",
      max_tokens: 30,
      stop_sequences: [word],
      messages: [{ role: "user", content: "Once upon a time" }],
    });
    expect(stopped.stop_reason).toBe("stop_sequence");
    expect(stopped.stop_sequence).toBe(word);
  });

  it("streams events the SDK assembles into the same message", async () => {
    const stream = anthropic.messages.stream({
      model: "m",
      max_tokens: 8,
      messages: [{ role: "user", content: "Once upon a time" }],
    });
    const types: string[] = [];
    stream.on("streamEvent", (event) => types.push(event.type));
    const message = await stream.finalMessage();
    expect(types[0]).toBe("message_start");
    expect(types).toContain("content_block_delta");
    expect(types.at(-1)).toBe("message_stop");
    expect(message.stop_reason).toBe("max_tokens");
    expect(message.usage.output_tokens).toBe(8);
    const whole = await anthropic.messages.create({
      model: "m",
      max_tokens: 8,
      messages: [{ role: "user", content: "Once upon a time" }],
    });
    expect(message.content).toEqual(whole.content);
  });

  it("forces a tool, and takes its result back in the next turn", async () => {
    const first = await anthropic.messages.create({
      model: "m",
      max_tokens: 200,
      tools,
      tool_choice: { type: "tool", name: "get_weather" },
      messages: [{ role: "user", content: "Weather in Paris?" }],
    });
    expect(first.stop_reason).toBe("tool_use");
    const use = first.content.find((block) => block.type === "tool_use");
    expect(use?.name).toBe("get_weather");
    expect(typeof (use?.input as { city?: unknown } | undefined)?.city).toBe("string");
    expect(first.content.some((block) => block.type === "text")).toBe(false);
    const second = await anthropic.messages.create({
      model: "m",
      max_tokens: 8,
      tools,
      messages: [
        { role: "user", content: "Weather in Paris?" },
        { role: "assistant", content: first.content },
        { role: "user", content: [{ type: "tool_result", tool_use_id: use?.id ?? "", content: "sunny" }] },
      ],
    });
    expect(second.content.length).toBeGreaterThan(0);

    const streamed = await anthropic.messages
      .stream({
        model: "m",
        max_tokens: 200,
        tools,
        tool_choice: { type: "any" },
        messages: [{ role: "user", content: "Weather?" }],
      })
      .finalMessage();
    expect(streamed.stop_reason).toBe("tool_use");
    expect(streamed.content.find((block) => block.type === "tool_use")?.name).toBe("get_weather");
  });

  it("counts tokens", async () => {
    const counted = await anthropic.messages.countTokens({
      model: "m",
      system: "You tell short stories.",
      messages: [{ role: "user", content: "Once upon a time" }],
    });
    const message = await anthropic.messages.create({
      model: "m",
      max_tokens: 1,
      system: "You tell short stories.",
      messages: [{ role: "user", content: "Once upon a time" }],
    });
    expect(counted.input_tokens).toBe(
      message.usage.input_tokens + (message.usage.cache_read_input_tokens ?? 0),
    );
  });

  it("answers errors in Anthropic's shape: bad input, a prompt too long", async () => {
    await expect(
      anthropic.messages.create({ model: "m", messages: [{ role: "user", content: "x" }] } as never),
    ).rejects.toMatchObject({
      status: 400,
      error: { type: "error", error: { type: "invalid_request_error" } },
    });
    const long = "Once upon a time there was a little girl. ".repeat(300);
    await expect(
      anthropic.messages.create({ model: "m", max_tokens: 5, messages: [{ role: "user", content: long }] }),
    ).rejects.toBeInstanceOf(Anthropic.BadRequestError);
  });
});

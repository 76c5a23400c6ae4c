import { createOpenAI } from "@ai-sdk/openai";
import { createOpenAICompatible } from "@ai-sdk/openai-compatible";
import { ChatOpenAI, OpenAIEmbeddings } from "@langchain/openai";
import {
  Agent,
  tool as agentTool,
  OpenAIChatCompletionsModel,
  OpenAIResponsesModel,
  run,
  setTracingDisabled,
} from "@openai/agents";
import { embed, generateObject, generateText, stepCountIs, streamText, tool } from "ai";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { testDesiredState } from "../test-cluster.js";
import { type OpenAITestCluster, startOpenAICluster } from "./openai-cluster.js";

// The clients people use, unchanged, against a real cluster. The tiny model cannot choose tools
// or follow instructions: tools are forced, and the protocol is judged, not the answer.
const weatherSchema = z.object({ city: z.string() });

describe("real client libraries against the OpenAI service", () => {
  let t: OpenAITestCluster;
  beforeAll(async () => {
    t = await startOpenAICluster();
    setTracingDisabled(true);
  });
  afterAll(() => t.cluster.close());

  describe("Vercel AI SDK", () => {
    const providers = () => ({
      openai: createOpenAI({ baseURL: t.baseUrl, apiKey: "x" }),
      // Told it may send json_schema (otherwise it asks for any JSON object and the tiny model rambles).
      compatible: createOpenAICompatible({
        name: "paddler",
        baseURL: t.baseUrl,
        apiKey: "x",
        supportsStructuredOutputs: true,
      }),
    });

    it("generateText and streamText through both providers", async () => {
      const { openai, compatible } = providers();
      for (const model of [openai.chat("m"), compatible.chatModel("m"), openai("m")]) {
        const result = await generateText({
          model,
          prompt: "Once upon a time",
          maxOutputTokens: 8,
          maxRetries: 0,
        });
        expect(result.text.length).toBeGreaterThan(0);
        expect(result.usage.outputTokens).toBeGreaterThan(0);
        const stream = streamText({ model, prompt: "Once upon a time", maxOutputTokens: 8, maxRetries: 0 });
        let text = "";
        for await (const delta of stream.textStream) text += delta;
        expect(text.length).toBeGreaterThan(0);
        expect(["stop", "length"]).toContain(await stream.finishReason);
      }
    });

    it("structured output", async () => {
      const { openai, compatible } = providers();
      for (const model of [openai.chat("m"), compatible.chatModel("m"), openai("m")]) {
        const { object } = await generateObject({
          model,
          schema: z.object({ name: z.string(), age: z.number().int() }),
          prompt: "A character",
          maxRetries: 0,
        });
        expect(typeof object.name).toBe("string");
        expect(Number.isInteger(object.age)).toBe(true);
      }
    });

    it("tools with toolChoice required", async () => {
      const { openai, compatible } = providers();
      for (const model of [openai.chat("m"), compatible.chatModel("m"), openai("m")]) {
        const result = await generateText({
          model,
          prompt: "What is the weather in Paris?",
          tools: {
            weather: tool({
              description: "Weather in a city",
              inputSchema: weatherSchema,
              execute: async () => "sunny",
            }),
          },
          toolChoice: "required",
          stopWhen: stepCountIs(1),
          maxRetries: 0,
        });
        expect(result.toolCalls).toHaveLength(1);
        expect(result.toolCalls[0]?.toolName).toBe("weather");
        expect(result.toolResults[0]?.output).toBe("sunny");
        expect(result.text).toBe("");
      }
    });

    it("a two-turn Responses conversation with the provider's defaults", async () => {
      const { openai } = providers();
      const first = await generateText({
        model: openai("m"),
        prompt: "Once upon a time",
        maxOutputTokens: 6,
        maxRetries: 0,
      });
      const second = await generateText({
        model: openai("m"),
        messages: [
          { role: "user", content: "Once upon a time" },
          ...first.response.messages,
          { role: "user", content: "And then?" },
        ],
        maxOutputTokens: 6,
        maxRetries: 0,
      });
      expect(second.text.length).toBeGreaterThan(0);
    });
  });

  describe("LangChain", () => {
    const chat = (options: Partial<ConstructorParameters<typeof ChatOpenAI>[0]> = {}) =>
      new ChatOpenAI({
        model: "m",
        apiKey: "x",
        configuration: { baseURL: t.baseUrl },
        maxRetries: 0,
        maxTokens: 8,
        ...options,
      });

    it("invoke and stream", async () => {
      const message = await chat().invoke("Once upon a time");
      expect(String(message.content).length).toBeGreaterThan(0);
      let text = "";
      for await (const chunk of await chat().stream("Once upon a time")) text += String(chunk.content);
      expect(text.length).toBeGreaterThan(0);
    });

    it("withStructuredOutput in its three methods", async () => {
      // Bounded, so the grammar-made answer ends well within max_tokens.
      const schema = z.object({ city: z.string().max(12), days: z.number().int().min(1).max(9) });
      // Judged on the exchange: the tiny model's answers may not parse (LangChain picks how it
      // asks per method and model name; some ask for any JSON object), but each request must get
      // a JSON object or a tool call back.
      for (const method of ["functionCalling", "jsonSchema", "jsonMode"] as const) {
        const result = await chat({ maxTokens: 60 })
          .withStructuredOutput(schema, { method, includeRaw: true })
          .invoke("Weather?");
        const raw = result.raw as { content: unknown; tool_calls?: unknown[] };
        const answered = (raw.tool_calls?.length ?? 0) > 0 || String(raw.content).trimStart().startsWith("{");
        expect(answered).toBe(true);
      }
    });
  });

  describe("OpenAI Agents SDK", () => {
    const weather = agentTool({
      name: "get_weather",
      description: "Weather in a city",
      parameters: weatherSchema,
      execute: async () => "sunny",
    });
    const client = () => new OpenAI({ baseURL: t.baseUrl, apiKey: "x", maxRetries: 0 });

    for (const mode of ["chat-completions", "responses"] as const) {
      it(`a two-turn run with a tool in ${mode} mode`, async () => {
        const model =
          mode === "chat-completions"
            ? new OpenAIChatCompletionsModel(client(), "m")
            : new OpenAIResponsesModel(client(), "m");
        // The SDK resets tool_choice to auto after the tool ran, so turn two is the model's free
        // answer. In Responses mode the SDK treats `incomplete` as an error, and the tiny model never
        // ends a free answer by itself (it runs into max_output_tokens, which we rightly report as
        // `incomplete`): there the agent gives a short structured answer (text.format json_schema, a
        // bounded string), which the grammar ends well within maxTokens, so turn two is `completed`.
        const agent = new Agent({
          name: "weather",
          instructions: "Answer about the weather.",
          tools: [weather],
          model,
          // Room for the whole forced call: a call cut by max_tokens is no call.
          modelSettings: { toolChoice: "required", maxTokens: 120 },
          ...(mode === "responses" ? { outputType: z.object({ answer: z.string().max(24) }) } : {}),
        });
        const result = await run(agent, "What is the weather in Paris?", { maxTurns: 4 });
        const kinds = result.newItems.map((item) => item.type);
        expect(kinds).toEqual(["tool_call_item", "tool_call_output_item", "message_output_item"]);
        expect(result.rawResponses).toHaveLength(2);
        if (mode === "chat-completions") expect(typeof result.finalOutput).toBe("string");
        else expect(typeof (result.finalOutput as { answer?: unknown }).answer).toBe("string");
      });
    }
  });
});

describe("real client libraries against the embeddings service", () => {
  let t: OpenAITestCluster;
  beforeAll(async () => {
    const desired = testDesiredState();
    t = await startOpenAICluster({
      desiredState: {
        ...desired,
        inference_parameters: { ...desired.inference_parameters, enable_embeddings: true },
      },
    });
  });
  afterAll(() => t.cluster.close());

  it("AI SDK embed, LangChain embeddings, token-id inputs and dimensions", async () => {
    const openai = createOpenAI({ baseURL: t.baseUrl, apiKey: "x" });
    const { embedding } = await embed({
      model: openai.embedding("m"),
      value: "Once upon a time",
      maxRetries: 0,
    });
    expect(embedding.length).toBeGreaterThan(0);
    const langchain = new OpenAIEmbeddings({
      model: "m",
      apiKey: "x",
      configuration: { baseURL: t.baseUrl },
      maxRetries: 0,
    });
    const vectors = await langchain.embedDocuments(["Once upon a time", "a little girl"]);
    expect(vectors).toHaveLength(2);
    const fromTokens = await t.openai.embeddings.create({
      model: "m",
      input: [
        [1, 400, 300],
        [1, 200],
      ],
    });
    expect(fromTokens.data).toHaveLength(2);
    const short = await t.openai.embeddings.create({ model: "m", input: "Once upon a time", dimensions: 4 });
    const vector = short.data[0]?.embedding ?? [];
    expect(vector).toHaveLength(4);
    expect(Math.hypot(...vector)).toBeCloseTo(1, 5);
  });

  it("refuses chat in embeddings mode with a 400 that no client retries", async () => {
    const response = await fetch(`${t.baseUrl}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "m", messages: [{ role: "user", content: "x" }] }),
    });
    expect(response.status).toBe(400);
  });
});

import {
  type ContinueFromConversationHistoryParams,
  type GeneratedTokenResult,
  generatedTokenResultSchema,
  isTerminalGeneratedTokenResult,
} from "@paddler/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LlamaInferenceEngine } from "./llama-engine.js";
import type { LlamaEngineFactory } from "./llama-engine-factory.js";
import {
  greedyTestState,
  loadTestEngine,
  type TestEngine,
  testLoadOptions,
} from "./testing/load-test-engine.js";

const template = "{% for m in messages %}{{ m.content }}\n{% endfor %}";

// 2048 cells shared by 4 slots: 512 per slot.
const desiredState = greedyTestState({ contextSize: 2048, chatTemplate: template });

interface Collected {
  results: GeneratedTokenResult[];
  text: string;
  reasoning: string;
  terminal: GeneratedTokenResult | undefined;
}

async function collect(
  stream: AsyncIterable<GeneratedTokenResult>,
  onResult?: () => void,
): Promise<Collected> {
  const collected: Collected = { results: [], text: "", reasoning: "", terminal: undefined };
  for await (const result of stream) {
    expect(generatedTokenResultSchema.safeParse(result).success).toBe(true);
    expect(collected.terminal).toBeUndefined();
    collected.results.push(result);
    if (typeof result === "object" && "ContentToken" in result) collected.text += result.ContentToken;
    if (typeof result === "object" && "ReasoningToken" in result)
      collected.reasoning += result.ReasoningToken;
    if (isTerminalGeneratedTokenResult(result)) collected.terminal = result;
    onResult?.();
  }
  return collected;
}

function usageOf(collected: Collected) {
  const terminal = collected.terminal;
  if (typeof terminal !== "object" || !("Done" in terminal))
    throw new Error(`not Done: ${JSON.stringify(terminal)}`);
  return terminal.Done.usage;
}

const never = new AbortController().signal;
let loaded: TestEngine | undefined;
let factory: LlamaEngineFactory;
let engine: LlamaInferenceEngine;

beforeAll(async () => {
  loaded = await loadTestEngine({ desiredState, slots: 4 });
  ({ factory, engine } = loaded);
});

afterAll(() => loaded?.[Symbol.asyncDispose]());

const raw = (raw_prompt: string, max_tokens: number, extra: object = {}) =>
  engine.continueFromRawPrompt({ raw_prompt, max_tokens, ...extra }, never);

const chat = (params: Partial<ContinueFromConversationHistoryParams>) =>
  engine.continueFromConversationHistory(
    {
      add_generation_prompt: true,
      conversation_history: [{ role: "user", content: "Once upon a time" }],
      enable_thinking: false,
      max_tokens: 20,
      ...params,
    },
    never,
  );

describe("llama engine: generation", () => {
  it("loads 4 slots, reports metadata, the override and the KV cache fallback", () => {
    expect(engine.slotsTotal).toBe(4);
    expect(engine.slotsProcessing).toBe(0);
    expect(engine.getModelMetadata()["general.architecture"]).toBe("llama");
    expect(engine.getModelMetadata()["llama.embedding_length"]).toBe("64");
    expect(engine.getChatTemplateOverride()).toEqual({ content: template });
    // Q8_0 (the default) needs a head size divisible by 32; this model's is 8.
    expect(engine.warnings.join("\n")).toContain("uses F16/F16");
  });

  it("continues a raw prompt and honours max_tokens", async () => {
    const collected = await collect(raw("Once upon a time", 12));
    expect(collected.text.length).toBeGreaterThan(10);
    expect(usageOf(collected)).toMatchObject({ prompt_tokens: 5, content_tokens: 12, reasoning_tokens: 0 });
    expect(
      collected.results.filter((result) => typeof result === "object" && "ContentToken" in result).length,
    ).toBe(12);
  });

  it("is deterministic with temperature 0, and with a seed", async () => {
    const first = await collect(raw("The little dog", 30));
    const second = await collect(raw("The little dog", 30));
    expect(second.text).toBe(first.text);
    const seeded = { sampling: { temperature: 0.9, seed: 42 } };
    const third = await collect(raw("The little dog", 30, seeded));
    const fourth = await collect(raw("The little dog", 30, seeded));
    expect(fourth.text).toBe(third.text);
  });

  it("ends before a stop string and does not emit it", async () => {
    const free = await collect(raw("Once upon a time", 40));
    expect(free.text).toContain("Lily");
    const stopped = await collect(raw("Once upon a time", 40, { sampling: { stop: ["Lily"] } }));
    expect(stopped.text).toBe(free.text.slice(0, free.text.indexOf("Lily")));
    expect(stopped.terminal).toHaveProperty("Done");
  });

  it("renders a conversation with the chat template override", async () => {
    const collected = await collect(chat({}));
    expect(collected.text.length).toBeGreaterThan(0);
    // The template renders "Once upon a time\n": 1 BOS + the text + a newline.
    expect(usageOf(collected).prompt_tokens).toBeGreaterThan(5);
  });

  it("streams ReasoningTokens when the template opens a think block", async () => {
    const thinking = `${template}{% if enable_thinking %}<think>\n{% endif %}`;
    const thinkingEngine = await factory.load(
      testLoadOptions({
        desiredState: { ...desiredState, chat_template_override: { content: thinking } },
        slots: 1,
      }),
    );
    try {
      const collected = await collect(
        thinkingEngine.continueFromConversationHistory(
          {
            add_generation_prompt: true,
            conversation_history: [{ role: "user", content: "Once upon a time" }],
            enable_thinking: true,
            max_tokens: 10,
          },
          never,
        ),
      );
      expect(collected.reasoning.length).toBeGreaterThan(0);
      expect(usageOf(collected)).toMatchObject({ reasoning_tokens: 10, content_tokens: 0 });
    } finally {
      await thinkingEngine[Symbol.asyncDispose]();
    }
  });

  it("runs 4 requests at once, one per slot, interleaving their tokens", async () => {
    let maxProcessing = 0;
    const order: number[] = [];
    const prompts = ["Once upon a time", "The cat", "Tom and Sue", "One day"];
    const runs = await Promise.all(
      prompts.map((prompt, index) =>
        collect(raw(prompt, 40), () => {
          maxProcessing = Math.max(maxProcessing, engine.slotsProcessing);
          order.push(index);
        }),
      ),
    );
    expect(maxProcessing).toBe(4);
    for (const run of runs) expect(usageOf(run).content_tokens).toBeGreaterThan(0);
    // Every request produced something before the first one finished.
    const firstFinished = Math.min(...prompts.map((_, index) => order.lastIndexOf(index)));
    expect(new Set(order.slice(0, firstFinished)).size).toBe(4);
    expect(engine.slotsProcessing).toBe(0);
  });

  it("refuses a fifth concurrent request with SamplerError", async () => {
    const streams = [1, 2, 3, 4].map(() => raw("Once upon a time", 20)[Symbol.asyncIterator]());
    await Promise.all(streams.map((stream) => stream.next()));
    expect(engine.slotsProcessing).toBe(4);
    const fifth = await collect(raw("Once upon a time", 5));
    expect(fifth.terminal).toHaveProperty("SamplerError");
    await Promise.all(streams.map((stream) => stream.return?.()));
    expect(engine.slotsProcessing).toBe(0);
  });

  it("stops at once on abort, frees the slot and sends no terminal", async () => {
    const controller = new AbortController();
    let tokens = 0;
    let processingWhileRunning = 0;
    const results: GeneratedTokenResult[] = [];
    for await (const result of engine.continueFromRawPrompt(
      { raw_prompt: "Once upon a time", max_tokens: 400 },
      controller.signal,
    )) {
      results.push(result);
      tokens++;
      processingWhileRunning = engine.slotsProcessing;
      if (tokens === 5) controller.abort();
    }
    expect(processingWhileRunning).toBe(1);
    expect(results).toHaveLength(5);
    expect(results.some(isTerminalGeneratedTokenResult)).toBe(false);
    expect(engine.slotsProcessing).toBe(0);
  });

  it("constrains output with a GBNF grammar and with a JSON schema", async () => {
    const gbnf = await collect(
      raw("Is the sky blue?", 10, {
        grammar: { type: "gbnf", grammar: 'answer ::= "yes" | "no"', root: "answer" },
      }),
    );
    expect(["yes", "no"]).toContain(gbnf.text);
    const schema = JSON.stringify({
      type: "object",
      properties: { name: { type: "string" }, age: { type: "integer" } },
      required: ["name", "age"],
    });
    const json = await collect(
      raw("Once upon a time", 200, { grammar: { type: "json_schema", schema }, sampling: { seed: 1 } }),
    );
    const parsed = JSON.parse(json.text);
    expect(typeof parsed.name).toBe("string");
    expect(Number.isInteger(parsed.age)).toBe(true);
    expect(json.terminal).toHaveProperty("Done");
  });

  it("reports grammar errors as terminal results", async () => {
    const missingRoot = await collect(
      raw("Hi", 5, { grammar: { type: "gbnf", grammar: 'foo ::= "a"', root: "root" } }),
    );
    expect(missingRoot.terminal).toHaveProperty("GrammarSyntaxError");
    const badJson = await collect(raw("Hi", 5, { grammar: { type: "json_schema", schema: "{nope" } }));
    expect(badJson.terminal).toHaveProperty("GrammarSyntaxError");
    const withThinking = await collect(
      chat({ enable_thinking: true, grammar: { type: "gbnf", grammar: 'root ::= "a"', root: "root" } }),
    );
    expect(withThinking.terminal).toHaveProperty("GrammarIncompatibleWithThinking");
    const image = await collect(
      chat({
        conversation_history: [{ role: "user", content: [{ type: "image_url", image_url: { url: "x" } }] }],
      }),
    );
    expect(image.terminal).toHaveProperty("MultimodalNotSupported");
  });

  it("parses a tool call", async () => {
    const call = '<tool_call>{"name": "get_weather", "arguments": {"city": "Paris"}}</tool_call>';
    const collected = await collect(
      chat({
        parse_tool_calls: true,
        tools: [{ type: "function", function: { name: "get_weather", description: "Weather in a city" } }],
        grammar: { type: "gbnf", grammar: `root ::= ${JSON.stringify(call)}`, root: "root" },
        max_tokens: 200,
      }),
    );
    const parsed = collected.results.find(
      (result) => typeof result === "object" && "ToolCallParsed" in result,
    );
    expect(parsed).toMatchObject({
      ToolCallParsed: [{ name: "get_weather", arguments: { ValidJson: { city: "Paris" } } }],
    });
    expect(usageOf(collected).tool_call_tokens).toBeGreaterThan(0);
  });

  it("reuses a slot's cached prefix for a follow-up prompt", async () => {
    const prompt = "In a big forest, there lived a small bear named Ben. He liked honey.";
    const first = await collect(raw(prompt, 20));
    // Only the BOS token (and maybe a first word) can be shared with earlier tests' prompts.
    expect(usageOf(first).cached_prompt_tokens).toBeLessThan(5);
    const followUp = await collect(raw(`${prompt}${first.text} The end.`, 5));
    const usage = usageOf(followUp);
    expect(usage.cached_prompt_tokens).toBeGreaterThanOrEqual(usageOf(first).prompt_tokens - 1);
    expect(usage.cached_prompt_tokens).toBeLessThan(usage.prompt_tokens);
  });

  it("ends a request that fills its slot's context with SamplerError while another slot finishes", async () => {
    // A grammar that never completes forbids EOS, so the first request must run out of context.
    const endless = { grammar: { type: "gbnf", grammar: "root ::= [a-z ] root", root: "root" } };
    const [exhausted, normal] = await Promise.all([
      collect(raw("Once upon a time", 5000, endless)),
      collect(raw("The cat", 30)),
    ]);
    expect(exhausted.terminal).toHaveProperty("SamplerError");
    expect(JSON.stringify(exhausted.terminal)).toContain("Context exhausted");
    expect(usageOf(normal).content_tokens).toBeGreaterThan(0);
    expect(engine.slotsProcessing).toBe(0);
    // The slot is usable again.
    expect((await collect(raw("Once upon a time", 3))).terminal).toHaveProperty("Done");
  });
});

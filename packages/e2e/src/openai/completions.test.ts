import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OpenAITestCluster, startOpenAICluster } from "./openai-cluster.js";

describe("POST /v1/completions with the openai client", () => {
  let t: OpenAITestCluster;
  beforeAll(async () => {
    t = await startOpenAICluster();
  });
  afterAll(() => t.cluster.close());

  it("completes a string prompt", async () => {
    const completion = await t.openai.completions.create({
      model: "stories",
      prompt: "Once upon a time",
      max_tokens: 10,
      temperature: 0,
    });
    expect(completion.object).toBe("text_completion");
    expect(completion.model).toBe("stories");
    expect(completion.choices).toHaveLength(1);
    expect(completion.choices[0]?.text.length).toBeGreaterThan(0);
    expect(completion.choices[0]?.finish_reason).toBe("length");
    expect(completion.usage?.completion_tokens).toBe(10);
  });

  it("completes an array of prompts, one choice per prompt in order", async () => {
    const prompts = ["Once upon a time", "The cat", "Lily went"];
    const completion = await t.openai.completions.create({
      model: "m",
      prompt: prompts,
      max_tokens: 8,
      temperature: 0,
    });
    expect(completion.choices.map((choice) => choice.index)).toEqual([0, 1, 2]);
    for (const [index, prompt] of prompts.entries()) {
      const single = await t.openai.completions.create({ model: "m", prompt, max_tokens: 8, temperature: 0 });
      expect(completion.choices[index]?.text).toBe(single.choices[0]?.text);
    }
    expect(completion.usage?.completion_tokens).toBe(24);
  });

  it("streams text_completion chunks for several prompts, then usage and [DONE]", async () => {
    const prompts = ["Once upon a time", "The cat"];
    const stream = await t.openai.completions.create({
      model: "m",
      prompt: prompts,
      max_tokens: 8,
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
    const texts = ["", ""];
    const finishes: (string | null)[] = [null, null];
    let usage: number | undefined;
    for await (const chunk of stream) {
      expect(chunk.object).toBe("text_completion");
      for (const choice of chunk.choices) {
        texts[choice.index] += choice.text;
        if (choice.finish_reason) finishes[choice.index] = choice.finish_reason;
      }
      if (chunk.usage) usage = chunk.usage.completion_tokens;
    }
    expect(finishes).toEqual(["length", "length"]);
    expect(usage).toBe(16);
    const whole = await t.openai.completions.create({
      model: "m",
      prompt: prompts,
      max_tokens: 8,
      temperature: 0,
    });
    expect(texts).toEqual(whole.choices.map((choice) => choice.text));
  });

  it("streams logprobs in the legacy shape, the same as the whole answer's", async () => {
    const request = { model: "m", prompt: "Once upon a time", max_tokens: 6, temperature: 0, logprobs: 2 };
    const stream = await t.openai.completions.create({ ...request, stream: true });
    let text = "";
    const tokens: string[] = [];
    const tokenLogprobs: number[] = [];
    const offsets: number[] = [];
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (!choice) continue;
      if (choice.text) {
        // Every piece of text comes with the logprobs of the tokens that made it.
        expect(choice.logprobs?.tokens?.join("")).toBe(choice.text);
      }
      for (const [at, token] of (choice.logprobs?.tokens ?? []).entries()) {
        tokens.push(token);
        tokenLogprobs.push(choice.logprobs?.token_logprobs?.[at] ?? Number.NaN);
        offsets.push(choice.logprobs?.text_offset?.[at] ?? Number.NaN);
        expect(Object.keys(choice.logprobs?.top_logprobs?.[at] ?? {}).length).toBeGreaterThan(0);
      }
      text += choice.text;
    }
    expect(tokens).toHaveLength(6);
    expect(tokens.join("")).toBe(text);
    const whole = await t.openai.completions.create(request);
    const logprobs = whole.choices[0]?.logprobs;
    expect(tokens).toEqual(logprobs?.tokens);
    expect(offsets).toEqual(logprobs?.text_offset);
    for (const [at, value] of tokenLogprobs.entries()) {
      expect(value).toBeLessThanOrEqual(0);
      expect(value).toBeCloseTo(logprobs?.token_logprobs?.[at] ?? Number.NaN, 3);
    }
  });

  it("echoes the prompt when asked", async () => {
    const completion = await t.openai.completions.create({
      model: "m",
      prompt: "Once upon a time",
      max_tokens: 4,
      temperature: 0,
      echo: true,
    });
    expect(completion.choices[0]?.text.startsWith("Once upon a time")).toBe(true);
  });
});

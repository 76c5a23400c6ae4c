import { type GeneratedTokenResult, generatedTokenResultSchema } from "@paddler/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LlamaInferenceEngine } from "./llama-engine.js";
import { greedyTestState, loadTestEngine, type TestEngine } from "./testing/load-test-engine.js";

// 1024 cells shared by 2 slots: 512 per slot; greedy so runs repeat.
const desiredState = greedyTestState({
  contextSize: 1024,
  chatTemplate: "{% for m in messages %}{{ m.content }}\n{% endfor %}",
});

const never = new AbortController().signal;
let loaded: TestEngine | undefined;
let engine: LlamaInferenceEngine;

beforeAll(async () => {
  loaded = await loadTestEngine({ desiredState, slots: 2 });
  engine = loaded.engine;
});

afterAll(() => loaded?.[Symbol.asyncDispose]());

async function collect(stream: AsyncIterable<GeneratedTokenResult>): Promise<GeneratedTokenResult[]> {
  const results: GeneratedTokenResult[] = [];
  for await (const result of stream) {
    expect(generatedTokenResultSchema.safeParse(result).success).toBe(true);
    results.push(result);
  }
  return results;
}

const tagged = <K extends string>(results: GeneratedTokenResult[], key: K) =>
  results.flatMap((result) =>
    typeof result === "object" && key in result ? [(result as Record<K, unknown>)[key]] : [],
  );

describe("generation extensions (report_finish, logprobs, ignore_eos, prompt_tokens)", () => {
  it("sends nothing new to a request that does not ask", async () => {
    const results = await collect(engine.continueFromRawPrompt({ raw_prompt: "Once", max_tokens: 4 }, never));
    expect(tagged(results, "Finished")).toEqual([]);
    expect(tagged(results, "Logprobs")).toEqual([]);
  });

  it("reports max_tokens and the stop sequence that ended a generation", async () => {
    const cut = await collect(
      engine.continueFromRawPrompt({ raw_prompt: "Once", max_tokens: 3, report_finish: true }, never),
    );
    expect(tagged(cut, "Finished")).toEqual([{ reason: "max_tokens" }]);
    expect(Object.keys(cut.at(-1) as object)).toEqual(["Done"]);

    const free = await collect(
      engine.continueFromRawPrompt(
        { raw_prompt: "Once upon a time", max_tokens: 40, report_finish: true },
        never,
      ),
    );
    const text = tagged(free, "ContentToken").join("");
    const word = text.trim().split(/\s+/)[2] ?? "";
    expect(word).not.toBe("");
    const stopped = await collect(
      engine.continueFromRawPrompt(
        { raw_prompt: "Once upon a time", max_tokens: 40, report_finish: true, sampling: { stop: [word] } },
        never,
      ),
    );
    expect(tagged(stopped, "Finished")).toEqual([{ reason: "stop_sequence", stop_sequence: word }]);
  });

  it("ends at the context's end with Done and context_end instead of a SamplerError", async () => {
    const results = await collect(
      engine.continueFromRawPrompt(
        { raw_prompt: "Once", max_tokens: -1, report_finish: true, sampling: { ignore_eos: true } },
        never,
      ),
    );
    expect(tagged(results, "Finished")).toEqual([{ reason: "context_end" }]);
    const done = tagged(results, "Done")[0] as { usage: { prompt_tokens: number; content_tokens: number } };
    expect(done.usage.prompt_tokens + done.usage.content_tokens).toBeGreaterThanOrEqual(500);

    // Without report_finish a Paddler client keeps Paddler's error.
    const old = await collect(
      engine.continueFromRawPrompt(
        { raw_prompt: "Once", max_tokens: -1, sampling: { ignore_eos: true } },
        never,
      ),
    );
    expect(tagged(old, "SamplerError")[0]).toMatch(/Context exhausted/);
  });

  it("sends a Logprobs result per sampled token, with top candidates", async () => {
    const results = await collect(
      engine.continueFromRawPrompt(
        {
          raw_prompt: "Once upon a time",
          max_tokens: 5,
          logprobs: true,
          sampling: { n_probs: 3, temperature: 1, top_k: 40, top_p: 1, min_p: 0 },
        },
        never,
      ),
    );
    const logprobs = tagged(results, "Logprobs") as {
      token: string;
      logprob: number;
      bytes: number[];
      top_logprobs: { token: string; logprob: number }[];
    }[];
    expect(logprobs).toHaveLength(5);
    for (const entry of logprobs) {
      expect(entry.logprob).toBeLessThanOrEqual(0);
      expect(entry.top_logprobs.length).toBe(3);
      expect(entry.bytes).toEqual([...Buffer.from(entry.token, "utf8")]);
      const [best] = entry.top_logprobs;
      expect(best?.logprob).toBeGreaterThanOrEqual(entry.logprob);
    }
  });

  it("continues from token ids and refuses ids outside the vocabulary", async () => {
    const results = await collect(
      engine.continueFromRawPrompt({ raw_prompt: "", prompt_tokens: [1, 400, 300], max_tokens: 3 }, never),
    );
    const done = tagged(results, "Done")[0] as { usage: { prompt_tokens: number } };
    expect(done.usage.prompt_tokens).toBe(3);
    const bad = await collect(
      engine.continueFromRawPrompt({ raw_prompt: "", prompt_tokens: [1, 99999], max_tokens: 3 }, never),
    );
    expect(tagged(bad, "SamplerError")[0]).toMatch(/99999 at index 1 is not in the model's vocabulary/);
  });
});

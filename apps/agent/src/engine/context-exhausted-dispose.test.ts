import { type GeneratedTokenResult, isTerminalGeneratedTokenResult } from "@paddler/protocol";
import { afterAll, describe, expect, it } from "vitest";
import { createLlamaEngineFactory } from "./llama-engine-factory.js";
import { testLoadOptions, testModelState } from "./testing/load-test-engine.js";
import { settlesWithin } from "./testing/settles-within.js";

// 256 cells for 2 slots: 128 each, which a generation fills in a moment.
const desiredState = testModelState({ inferenceParameters: { context_size: 256, n_batch: 128 } });

// A grammar that never completes forbids EOS, so the generation must run into the context limit.
const endless = { grammar: { type: "gbnf" as const, grammar: "root ::= [a-z ] root", root: "root" } };

const factory = createLlamaEngineFactory({ gpu: false });
afterAll(async () => {
  await factory[Symbol.asyncDispose]();
});

// Issue 12, reproduction 1 ("a reload that never finishes ... after generations that ran into the
// context limit"): a generation that failed cleared its sequence while its evaluation was still
// open, which waited on node-llama-cpp's context lock for good, so disposing the model for a
// reload never finished (fixed in 08df339: the evaluation is closed first).
describe("a generation that runs into the context limit", () => {
  it("ends with a terminal error, frees its slot, and the model can still be disposed (reload)", async () => {
    const engine = await factory.load(testLoadOptions({ desiredState, slots: 2 }));
    let terminal: GeneratedTokenResult | undefined;
    for await (const result of engine.continueFromRawPrompt(
      { raw_prompt: "Once upon a time", max_tokens: 5000, ...endless },
      new AbortController().signal,
    )) {
      if (isTerminalGeneratedTokenResult(result)) terminal = result;
    }
    expect(JSON.stringify(terminal)).toContain("Context exhausted");
    expect(engine.slotsProcessing).toBe(0);
    // What a reload does next: free the model. Before the fix this never settled.
    expect(await settlesWithin(engine[Symbol.asyncDispose](), 15_000)).toBe(true);
  }, 60_000);

  it("two at once in one context, and two long generations dropped midway: the model can still be disposed", async () => {
    const engine = await factory.load(testLoadOptions({ desiredState, slots: 2 }));
    const run = async (params: object, dropAfter: number | null) => {
      const abort = new AbortController();
      let tokens = 0;
      let terminal: GeneratedTokenResult | undefined;
      for await (const result of engine.continueFromRawPrompt(
        { raw_prompt: "Once upon a time", max_tokens: 5000, ...params },
        abort.signal,
      )) {
        if (isTerminalGeneratedTokenResult(result)) terminal = result;
        else if (++tokens === dropAfter) abort.abort();
      }
      return terminal;
    };
    const exhausted = await Promise.all([run(endless, null), run(endless, null)]);
    for (const terminal of exhausted) expect(JSON.stringify(terminal)).toContain("Context exhausted");
    // The first recipe: long generations whose clients went away (the agent aborts them).
    await Promise.all([run({ max_tokens: -1, ...endless }, 40), run({ max_tokens: -1 }, 60)]);
    expect(engine.slotsProcessing).toBe(0);
    expect(await settlesWithin(engine[Symbol.asyncDispose](), 15_000)).toBe(true);
  }, 90_000);
});

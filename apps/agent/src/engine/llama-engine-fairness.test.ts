import type { GeneratedTokenResult } from "@paddler/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LlamaInferenceEngine } from "./llama-engine.js";
import { greedyTestState, loadTestEngine, type TestEngine } from "./testing/load-test-engine.js";

// 4096 cells shared by 4 slots: 1024 per slot, room for long generations.
const desiredState = greedyTestState({ contextSize: 4096 });

const never = new AbortController().signal;
let loaded: TestEngine | undefined;
let engine: LlamaInferenceEngine;

beforeAll(async () => {
  loaded = await loadTestEngine({ desiredState, slots: 4 });
  engine = loaded.engine;
});

afterAll(() => loaded?.[Symbol.asyncDispose]());

const isContent = (result: GeneratedTokenResult) => typeof result === "object" && "ContentToken" in result;

async function drain(stream: AsyncIterable<GeneratedTokenResult>) {
  for await (const _ of stream);
}

describe("llama engine: fairness between slots", () => {
  it("gives a request admitted to a free slot its first token while the other slots keep generating", async () => {
    // Every slot has held a generation, so the next request on any of them must first drop the old
    // tokens from its sequence (the path that used to wait for every other slot to finish).
    await Promise.all(
      ["Once upon a time", "The cat", "Tom and Sue", "One day"].map((p) =>
        drain(engine.continueFromRawPrompt({ raw_prompt: p, max_tokens: 8 }, never)),
      ),
    );

    const longAbort = new AbortController();
    let longFinished = 0;
    let longStarted = 0;
    let allStarted: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      allStarted = resolve;
    });
    const long = ["Once upon a time", "The cat", "Tom and Sue"].map(async (prompt) => {
      let first = true;
      for await (const result of engine.continueFromRawPrompt(
        { raw_prompt: prompt, max_tokens: 900 },
        longAbort.signal,
      )) {
        if (first && isContent(result) && ++longStarted === 3) allStarted();
        if (isContent(result)) first = false;
      }
      longFinished++;
    });
    await started;
    // Let the three run together for a few batch steps.
    for (let step = 0; step < 5; step++) await new Promise((resolve) => setTimeout(resolve, 5));
    const finishedBefore = longFinished;

    let finishedAtFirstToken = -1;

    for await (const result of engine.continueFromRawPrompt(
      { raw_prompt: "One day", max_tokens: 2 },
      never,
    )) {
      if (finishedAtFirstToken === -1 && isContent(result)) finishedAtFirstToken = longFinished;
    }
    longAbort.abort();
    await Promise.all(long);

    expect(finishedBefore).toBe(0);
    // Its first token came while all three long generations were still running.
    expect(finishedAtFirstToken).toBe(0);
    expect(engine.slotsProcessing).toBe(0);
  });
});

import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  type AgentDesiredState,
  defaultInferenceParameters,
  type GeneratedTokenResult,
} from "@paddler/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { LlamaInferenceEngine } from "./llama-engine.js";
import { createLlamaEngineFactory, type LlamaEngineFactory } from "./llama-engine-factory.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../..");
const modelPath = path.resolve(repoRoot, "../shared/models/stories260K.gguf");

const desiredState: AgentDesiredState = {
  chat_template_override: null,
  // 4096 cells shared by 4 slots: 1024 per slot, room for long generations.
  inference_parameters: {
    ...defaultInferenceParameters,
    context_size: 4096,
    n_batch: 512,
    temperature: 0,
    penalty_repeat: 1,
    penalty_presence: 0,
  },
  model: { LocalToAgent: modelPath },
  multimodal_projection: "None",
};

const never = new AbortController().signal;
let factory: LlamaEngineFactory;
let engine: LlamaInferenceEngine;

beforeAll(async () => {
  factory = createLlamaEngineFactory({ gpu: false });
  engine = await factory.load({
    modelPath,
    multimodalProjectionPath: null,
    desiredState,
    slots: 4,
    threads: 1,
  });
});

afterAll(async () => {
  await engine?.[Symbol.asyncDispose]();
  await factory?.[Symbol.asyncDispose]();
});

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

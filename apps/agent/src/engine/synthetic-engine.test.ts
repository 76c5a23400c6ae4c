import {
  defaultInferenceParameters,
  type GeneratedTokenResult,
  isTerminalGeneratedTokenResult,
} from "@paddler/protocol";
import { describe, expect, it } from "vitest";
import { createSyntheticEngineFactory } from "./synthetic-engine.js";

const desiredState = {
  chat_template_override: null,
  inference_parameters: defaultInferenceParameters,
  model: "None" as const,
  multimodal_projection: "None" as const,
};

async function load(slots: number) {
  return createSyntheticEngineFactory({ tokensPerSecond: 1000, tokens: ["a", "b"] }).load({
    modelPath: "/synthetic",
    multimodalProjectionPath: null,
    desiredState,
    slots,
    threads: 1,
  });
}

describe("synthetic engine", () => {
  it("emits max_tokens ContentTokens then Done", async () => {
    const engine = await load(2);
    const results = [];
    for await (const result of engine.continueFromRawPrompt(
      { raw_prompt: "x", max_tokens: 5 },
      new AbortController().signal,
    )) {
      results.push(result);
    }
    expect(results.slice(0, 5)).toEqual([
      { ContentToken: "a" },
      { ContentToken: "b" },
      { ContentToken: "a" },
      { ContentToken: "b" },
      { ContentToken: "a" },
    ]);
    expect(results[5]).toMatchObject({ Done: { usage: { content_tokens: 5 } } });
  });

  it("runs one request per slot, refuses more, and frees the slot on abort", async () => {
    const engine = await load(1);
    const controller = new AbortController();
    const first = engine
      .continueFromRawPrompt({ raw_prompt: "x", max_tokens: 1000 }, controller.signal)
      [Symbol.asyncIterator]();
    await first.next();
    expect(engine.slotsProcessing).toBe(1);
    const refused = [];
    for await (const result of engine.continueFromRawPrompt(
      { raw_prompt: "x", max_tokens: 1 },
      controller.signal,
    )) {
      refused.push(result);
    }
    expect(refused[0]).toHaveProperty("SamplerError");
    controller.abort();
    const rest: GeneratedTokenResult[] = [];
    for (let step = await first.next(); !step.done; step = await first.next()) rest.push(step.value);
    expect(rest.some(isTerminalGeneratedTokenResult)).toBe(false);
    expect(engine.slotsProcessing).toBe(0);
  });
});

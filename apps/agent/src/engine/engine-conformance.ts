import {
  type AgentDesiredState,
  defaultInferenceParameters,
  type GeneratedTokenResult,
  isTerminalGeneratedTokenResult,
} from "@paddler/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { InferenceEngine } from "./inference-engine.js";

// Test support only: the behaviour every engine behind InferenceEngine shares, run against each.

export interface ConformanceSubject {
  engine: InferenceEngine;
  close(): Promise<void>;
}

export const conformanceDesiredState: AgentDesiredState = {
  chat_template_override: null,
  inference_parameters: {
    ...defaultInferenceParameters,
    temperature: 0,
    k_cache_dtype: "F16",
    v_cache_dtype: "F16",
  },
  model: "None",
  multimodal_projection: "None",
};

async function collect(results: AsyncIterable<GeneratedTokenResult>): Promise<GeneratedTokenResult[]> {
  const all: GeneratedTokenResult[] = [];
  for await (const result of results) all.push(result);
  return all;
}

async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Runs the shared engine contract against the engine `setup` returns (one engine for the file). */
export function describeEngineConformance(name: string, setup: () => Promise<ConformanceSubject>): void {
  describe(`${name}: the InferenceEngine contract`, () => {
    let subject: ConformanceSubject;
    beforeAll(async () => {
      subject = await setup();
    }, 600_000);
    afterAll(async () => {
      await subject?.close();
    }, 60_000);

    it("streams a raw prompt's tokens and ends with exactly one Done", async () => {
      const results = await collect(
        subject.engine.continueFromRawPrompt(
          { raw_prompt: "Once upon a time", max_tokens: 6 },
          new AbortController().signal,
        ),
      );
      const terminals = results.filter(isTerminalGeneratedTokenResult);
      expect(terminals).toHaveLength(1);
      expect(results.at(-1)).toHaveProperty("Done");
      expect(results.some((result) => typeof result === "object" && "ContentToken" in result)).toBe(true);
      const done = results.at(-1) as { Done: { usage: { content_tokens: number; prompt_tokens: number } } };
      expect(done.Done.usage.content_tokens).toBeGreaterThan(0);
      expect(done.Done.usage.content_tokens).toBeLessThanOrEqual(6);
    });

    it("continues a conversation and ends with Done", async () => {
      const results = await collect(
        subject.engine.continueFromConversationHistory(
          {
            add_generation_prompt: true,
            conversation_history: [{ role: "user", content: "Tell me a story" }],
            enable_thinking: false,
            max_tokens: 6,
          },
          new AbortController().signal,
        ),
      );
      expect(results.filter(isTerminalGeneratedTokenResult)).toHaveLength(1);
      expect(results.at(-1)).toHaveProperty("Done");
    });

    it("runs one request per slot, refuses one more, and frees a slot on abort", async () => {
      const { engine } = subject;
      const total = engine.slotsTotal;
      expect(total).toBeGreaterThan(0);
      const controller = new AbortController();
      const running = Array.from({ length: total }, () =>
        engine
          .continueFromRawPrompt({ raw_prompt: "Once upon a time", max_tokens: 100_000 }, controller.signal)
          [Symbol.asyncIterator](),
      );
      // The first token of each means each holds its slot.
      for (const stream of running) await stream.next();
      expect(engine.slotsProcessing).toBe(total);
      const refused = await collect(
        engine.continueFromRawPrompt({ raw_prompt: "x", max_tokens: 1 }, new AbortController().signal),
      );
      expect(refused).toHaveLength(1);
      expect(refused[0]).toHaveProperty("SamplerError");
      controller.abort();
      const rest = await Promise.all(
        running.map(async (stream) => {
          const seen: GeneratedTokenResult[] = [];
          for (let step = await stream.next(); !step.done; step = await stream.next()) seen.push(step.value);
          return seen;
        }),
      );
      // An aborted stream ends quietly: no terminal result.
      for (const seen of rest) expect(seen.some(isTerminalGeneratedTokenResult)).toBe(false);
      await until(() => engine.slotsProcessing === 0, "every slot to be free");
      const after = await collect(
        engine.continueFromRawPrompt({ raw_prompt: "Once", max_tokens: 2 }, new AbortController().signal),
      );
      expect(after.at(-1)).toHaveProperty("Done");
    });

    it("describes its model as strings", () => {
      for (const value of Object.values(subject.engine.getModelMetadata()))
        expect(typeof value).toBe("string");
    });
  });
}

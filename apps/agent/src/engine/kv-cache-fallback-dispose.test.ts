import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, describe, expect, it } from "vitest";
import { createLlamaEngineFactory } from "./llama-engine-factory.js";
import { testLoadOptions, testModelState } from "./testing/load-test-engine.js";
import { settlesWithin } from "./testing/settles-within.js";

// The defaults ask for a Q8_0 KV cache, which this model's head size (8) cannot hold.
const desiredState = testModelState({ inferenceParameters: { context_size: 256, n_batch: 128 } });

/** A full collection, as the agent's heap would see at some point between load and reload. */
function collectGarbage(): void {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
}

const factory = createLlamaEngineFactory({ gpu: false });
afterAll(async () => {
  await settlesWithin(factory[Symbol.asyncDispose](), 15_000);
});

// Issue 12, reproduction 1 ("a reload that never finishes", timing-dependent): node-llama-cpp's
// failed context creation (a quantized KV cache on a small-head model) kept a hold on the model
// that only the failed context's own dispose released, reached through a WeakRef; once a garbage
// collection had taken that object, disposing the model for a reload waited forever.
describe("a model whose KV cache type falls back to F16", () => {
  it("says so, and can still be disposed after a garbage collection", async () => {
    const engine = await factory.load(testLoadOptions({ desiredState, slots: 2 }));
    expect(engine.warnings.join("\n")).toContain("uses F16/F16");
    await new Promise((resolve) => setTimeout(resolve, 10));
    collectGarbage();
    expect(await settlesWithin(engine[Symbol.asyncDispose](), 15_000)).toBe(true);
  }, 60_000);
});

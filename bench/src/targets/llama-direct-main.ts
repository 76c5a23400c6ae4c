// Entry: node-llama-cpp called directly, in its own process, with the agent's settings for the
// bench desired state (one context, N sequences, threads 1, F16 KV, greedy, no penalties).
// IPC { type: "generate", sequences, maxTokens, prompt } → { type: "generate", tokens, ms }.
import { GgmlType, getLlama, type LlamaContext } from "node-llama-cpp";
import { benchDesiredState } from "../lib/bench-desired-state.js";
import { modelPath } from "../lib/repo-paths.js";

// Prebuilt binaries only: under heavy load its binary self-test can time out and "auto" would
// then compile llama.cpp in the middle of the bench.
const llama = await getLlama({ gpu: false, build: "never" });
const model = await llama.loadModel({ modelPath });
const parameters = benchDesiredState().inference_parameters;
const contexts = new Map<number, LlamaContext>();

async function contextFor(sequences: number): Promise<LlamaContext> {
  const existing = contexts.get(sequences);
  if (existing) return existing;
  // Same arithmetic as the agent's createLlamaContext: context_size is shared by the sequences.
  const contextSize = Math.max(16, Math.floor(parameters.context_size / sequences));
  const context = await model.createContext({
    sequences,
    contextSize,
    batchSize: Math.min(parameters.n_batch, contextSize * sequences),
    threads: 1,
    failedCreationRemedy: false,
    experimentalKvCacheKeyType: GgmlType.F16,
    experimentalKvCacheValueType: GgmlType.F16,
  });
  contexts.set(sequences, context);
  return context;
}

async function generate(sequences: number, maxTokens: number, prompt: string) {
  const context = await contextFor(sequences);
  const promptTokens = model.tokenize(prompt, true);
  const started = performance.now();
  const counts = await Promise.all(
    Array.from({ length: sequences }, async () => {
      const sequence = context.getSequence();
      let count = 0;
      try {
        const iterator = sequence.evaluate(promptTokens, { temperature: 0 });
        while (count < maxTokens) {
          const step = await iterator.next();
          if (step.done) break;
          model.detokenize([step.value]);
          count++;
        }
        await iterator.return();
      } finally {
        await sequence.clearHistory();
        sequence.dispose();
      }
      return count;
    }),
  );
  return { tokens: counts.reduce((sum, count) => sum + count, 0), ms: performance.now() - started };
}

process.on(
  "message",
  (message: { type?: string; sequences?: number; maxTokens?: number; prompt?: string }) => {
    if (message.type !== "generate") return;
    generate(message.sequences ?? 1, message.maxTokens ?? 128, message.prompt ?? "").then((result) =>
      process.send?.({ type: "generate", ...result }),
    );
  },
);
process.on("disconnect", () => process.exit(0));
process.on("SIGTERM", () => process.exit(0));
process.send?.({ type: "ready" });

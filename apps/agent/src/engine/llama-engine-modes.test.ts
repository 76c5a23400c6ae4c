import {
  type AgentDesiredState,
  type EmbeddingResult,
  embeddingResultSchema,
  type GeneratedTokenResult,
} from "@paddler/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChatTemplateDoesNotCompileError, ModelCannotBeLoadedError } from "./engine-errors.js";
import { createLlamaEngineFactory, type LlamaEngineFactory } from "./llama-engine-factory.js";
import { testModelPath as modelPath, testLoadOptions, testModelState } from "./testing/load-test-engine.js";

const never = new AbortController().signal;

function stateWith(
  overrides: Partial<AgentDesiredState["inference_parameters"]>,
  template: string | null = null,
) {
  return testModelState({
    inferenceParameters: { context_size: 1024, n_batch: 256, ...overrides },
    chatTemplate: template,
  });
}

async function all<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const results: T[] = [];
  for await (const result of stream) results.push(result);
  return results;
}

let factory: LlamaEngineFactory;
beforeAll(() => {
  factory = createLlamaEngineFactory({ gpu: false });
});
afterAll(async () => {
  await factory?.[Symbol.asyncDispose]();
});

const load = (desiredState: AgentDesiredState, slots = 2) =>
  factory.load(testLoadOptions({ desiredState, slots }));

describe("llama engine: load errors and chat templates", () => {
  it("throws ModelCannotBeLoadedError for a missing file", async () => {
    const error = await factory
      .load({
        modelPath: "/nonexistent/model.gguf",
        multimodalProjectionPath: null,
        desiredState: stateWith({}),
        slots: 1,
        threads: 1,
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelCannotBeLoadedError);
    expect((error as ModelCannotBeLoadedError).issue).toEqual({
      ModelCannotBeLoaded: { model_path: "/nonexistent/model.gguf" },
    });
  });

  it("throws ChatTemplateDoesNotCompileError for an override that does not parse", async () => {
    const error = await load(stateWith({}, "{% for m in messages %}")).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ChatTemplateDoesNotCompileError);
    expect((error as ChatTemplateDoesNotCompileError).issue).toMatchObject({
      ChatTemplateDoesNotCompile: {
        model_path: { model_path: modelPath },
        template_content: "{% for m in messages %}",
      },
    });
  });

  it("answers a conversation with ChatTemplateError when there is no template, raw prompts still work", async () => {
    await using engine = await load(stateWith({ temperature: 0 }));
    expect(engine.getChatTemplateOverride()).toBeNull();
    const results = await all(
      engine.continueFromConversationHistory(
        {
          add_generation_prompt: true,
          conversation_history: [{ role: "user", content: "Hi" }],
          enable_thinking: false,
          max_tokens: 5,
        },
        never,
      ),
    );
    expect(results).toHaveLength(1);
    expect(results[0]).toHaveProperty("ChatTemplateError");
    const raw = await all(engine.continueFromRawPrompt({ raw_prompt: "Once", max_tokens: 3 }, never));
    expect(raw.at(-1)).toHaveProperty("Done");
    expect(
      await all(engine.generateEmbeddingBatch({ input_batch: [], normalization_method: "L2" }, never)),
    ).toEqual(["EmbeddingsDisabled"]);
  });

  it("reports a template that fails while rendering as ChatTemplateError", async () => {
    await using engine = await load(stateWith({}, "{{ raise_exception('no system role') }}"));
    const results: GeneratedTokenResult[] = await all(
      engine.continueFromConversationHistory(
        {
          add_generation_prompt: true,
          conversation_history: [{ role: "system", content: "x" }],
          enable_thinking: false,
          max_tokens: 5,
        },
        never,
      ),
    );
    expect(JSON.stringify(results)).toContain("no system role");
    expect(results[0]).toHaveProperty("ChatTemplateError");
  });
});

describe("llama engine: embeddings", () => {
  it("embeds documents (64 dims), normalizes them and refuses generation", async () => {
    await using engine = await load(stateWith({ enable_embeddings: true, n_batch: 32 }));
    const longDocument = "Once upon a time there was a little girl named Lily. ".repeat(10);
    const results: EmbeddingResult[] = await all(
      engine.generateEmbeddingBatch(
        {
          input_batch: [
            { id: "a", content: "The cat sat on the mat." },
            { id: "b", content: "A dog ran in the park." },
            { id: "long", content: longDocument },
          ],
          normalization_method: "L2",
        },
        never,
      ),
    );
    for (const result of results) expect(embeddingResultSchema.safeParse(result).success).toBe(true);
    expect(results.at(-1)).toBe("Done");
    const embeddings = results.flatMap((result) =>
      typeof result === "object" && "Embedding" in result ? [result.Embedding] : [],
    );
    expect(embeddings.map((embedding) => embedding.source_document_id)).toEqual(["a", "b"]);
    for (const { embedding, pooling_type, normalization_method } of embeddings) {
      expect(embedding).toHaveLength(64);
      expect(Math.hypot(...embedding)).toBeCloseTo(1, 5);
      expect(pooling_type).toBe("Last");
      expect(normalization_method).toBe("L2");
    }
    expect(embeddings[0]?.embedding).not.toEqual(embeddings[1]?.embedding);
    expect(results).toContainEqual({
      DocumentExceedsBatchSize: {
        document_tokens: expect.any(Number),
        n_batch: 32,
        source_document_id: "long",
      },
    });

    const raw = await all(engine.continueFromRawPrompt({ raw_prompt: "Once", max_tokens: 3 }, never));
    expect(raw).toHaveLength(1);
    expect(raw[0]).toHaveProperty("TokenGenerationDisabled");
    expect(engine.slotsProcessing).toBe(0);
  });

  it("applies RmsNorm and None", async () => {
    await using engine = await load(stateWith({ enable_embeddings: true }));
    const embed = async (normalization_method: "None" | { RmsNorm: { epsilon: number } }) => {
      const [first] = await all(
        engine.generateEmbeddingBatch(
          { input_batch: [{ id: "x", content: "Hello" }], normalization_method },
          never,
        ),
      );
      if (typeof first !== "object" || !("Embedding" in first)) throw new Error(JSON.stringify(first));
      return first.Embedding.embedding;
    };
    const none = await embed("None");
    const rms = await embed({ RmsNorm: { epsilon: 1e-6 } });
    const meanSquare = none.reduce((sum, value) => sum + value * value, 0) / none.length;
    expect(rms[0]).toBeCloseTo((none[0] ?? 0) / Math.sqrt(meanSquare + 1e-6), 4);
  });
});

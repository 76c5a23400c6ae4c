import path from "node:path";
import { fileURLToPath } from "node:url";
import { type AgentDesiredState, defaultInferenceParameters } from "@paddler/protocol";
import type { EngineLoadOptions } from "../inference-engine.js";
import type { LlamaInferenceEngine } from "../llama-engine.js";
import { createLlamaEngineFactory, type LlamaEngineFactory } from "../llama-engine-factory.js";

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../../..");

/** The tiny real model the engine tests load (committed in the repository's models/). */
export const testModelPath = path.resolve(repoRoot, "models/stories260K.gguf");

/** The test model with the default inference parameters but for `inferenceParameters`. */
export function testModelState({
  inferenceParameters = {},
  chatTemplate = null,
}: {
  inferenceParameters?: Partial<AgentDesiredState["inference_parameters"]>;
  chatTemplate?: string | null;
} = {}): AgentDesiredState {
  return {
    chat_template_override: chatTemplate === null ? null : { content: chatTemplate },
    inference_parameters: { ...defaultInferenceParameters, ...inferenceParameters },
    model: { LocalToAgent: testModelPath },
    multimodal_projection: "None",
  };
}

/**
 * The test model with greedy sampling (temperature 0, penalties off), so a prompt gives the same
 * tokens every run; `contextSize` cells are shared by the slots.
 */
export function greedyTestState({
  contextSize,
  chatTemplate = null,
}: {
  contextSize: number;
  chatTemplate?: string | null;
}): AgentDesiredState {
  return testModelState({
    chatTemplate,
    inferenceParameters: {
      context_size: contextSize,
      n_batch: 512,
      temperature: 0,
      penalty_repeat: 1,
      penalty_presence: 0,
    },
  });
}

/** How the engine tests load the test model: on one thread, without a multimodal projection. */
export function testLoadOptions({
  desiredState,
  slots,
}: {
  desiredState: AgentDesiredState;
  slots: number;
}): EngineLoadOptions {
  return { modelPath: testModelPath, multimodalProjectionPath: null, desiredState, slots, threads: 1 };
}

export interface TestEngine extends AsyncDisposable {
  /** The CPU factory that loaded the engine, for tests that load a second one. */
  readonly factory: LlamaEngineFactory;
  readonly engine: LlamaInferenceEngine;
}

/** Loads the test model on the CPU with one thread; disposing it disposes the engine, then its factory. */
export async function loadTestEngine({
  desiredState,
  slots,
}: {
  desiredState: AgentDesiredState;
  slots: number;
}): Promise<TestEngine> {
  const factory = createLlamaEngineFactory({ gpu: false });
  try {
    const engine = await factory.load(testLoadOptions({ desiredState, slots }));
    return {
      factory,
      engine,
      async [Symbol.asyncDispose]() {
        await engine[Symbol.asyncDispose]();
        await factory[Symbol.asyncDispose]();
      },
    };
  } catch (error) {
    await factory[Symbol.asyncDispose]();
    throw error;
  }
}

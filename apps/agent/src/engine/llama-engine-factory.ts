import type { Logger } from "@paddler/logger";
import {
  getLlama,
  type Llama,
  type LlamaContext,
  type LlamaContextSequence,
  LlamaLogLevel,
  type LlamaModel,
} from "node-llama-cpp";
import type { LlamaGpuReading } from "../device/read-device-status.js";
import { type CompiledChatTemplate, compileChatTemplate } from "./chat-template.js";
import { checkGgufHeader } from "./check-gguf-header.js";
import { createLlamaContext } from "./create-llama-context.js";
import { effectivePoolingType } from "./effective-pooling-type.js";
import {
  ChatTemplateDoesNotCompileError,
  describeCause,
  ModelCannotBeLoadedError,
  SlotCannotStartError,
} from "./engine-errors.js";
import { flattenGgufMetadata } from "./gguf-metadata.js";
import type { EngineLoadOptions, InferenceEngineFactory } from "./inference-engine.js";
import { createLlamaEngine, type LlamaEngineMode, type LlamaInferenceEngine } from "./llama-engine.js";

export interface LlamaEngineFactoryOptions {
  /** `false` for the CPU build (what this project's machines have); "auto" picks a GPU backend. */
  gpu?: false | "auto";
  /** Receives llama.cpp's own log lines (its warnings and errors), at debug level. */
  logger?: Logger;
}

export interface LlamaEngineFactory extends InferenceEngineFactory, AsyncDisposable {
  load(options: EngineLoadOptions): Promise<LlamaInferenceEngine>;
  /** The GPU llama.cpp runs on and its VRAM, or null on the CPU backend or before the first load. */
  llamaGpu(): Promise<LlamaGpuReading | null>;
}

const backendNames = { cuda: "CUDA", vulkan: "Vulkan", metal: "Metal" } as const;

/**
 * Loads models with node-llama-cpp. The native Llama instance is expensive, so it is created on the
 * first load and shared by every engine this factory makes; disposing the factory releases it.
 */
export function createLlamaEngineFactory({
  gpu = false,
  logger,
}: LlamaEngineFactoryOptions = {}): LlamaEngineFactory {
  let llamaPromise: Promise<Llama> | null = null;
  // Set once the native instance exists: reading the device load must not start llama.cpp.
  let started: Llama | null = null;
  const getSharedLlama = () => {
    llamaPromise ??= getLlama({
      gpu,
      // Never compile llama.cpp at run time: "auto" would start a 10-20 minute build inside a
      // running agent (and a bench) when no prebuilt binary loads. A local build, when one exists
      // (`npx --no node-llama-cpp source build`), is still used.
      build: "never",
      logLevel: LlamaLogLevel.warn,
      // llama.cpp's own lines (special tokens, context simulation, the quantized KV cache it
      // refuses) are detail for debugging: the engine reports what matters in its own words
      // (typed load errors, warnings such as the KV cache fallback).
      logger: (level, message) => {
        logger?.debug(message.trimEnd(), { source: "llama.cpp", llamaLevel: level });
      },
    });
    void llamaPromise.then(
      (llama) => {
        started = llama;
      },
      () => undefined,
    );
    return llamaPromise;
  };
  const loadLlama = async (modelPath: string): Promise<Llama> => {
    try {
      return await getSharedLlama();
    } catch (error) {
      // The next load tries again (after a build, say) instead of keeping the failure.
      llamaPromise = null;
      throw new ModelCannotBeLoadedError(modelPath, {
        cause: new Error(
          `no llama.cpp binary loads on this machine (${describeCause(error)}); ` +
            "build one with `npx --no node-llama-cpp source build` in the agent's directory",
          { cause: error },
        ),
      });
    }
  };

  return {
    async load(options) {
      return loadEngine(await loadLlama(options.modelPath), options);
    },
    async llamaGpu() {
      const llama = started;
      if (llama === null || llama.disposed || llama.gpu === false) return null;
      const [vram, deviceNames] = await Promise.all([llama.getVramState(), llama.getGpuDeviceNames()]);
      return {
        backend: backendNames[llama.gpu],
        deviceNames,
        vramUsedBytes: vram.used,
        vramTotalBytes: vram.total,
      };
    },
    async [Symbol.asyncDispose]() {
      const llama = await llamaPromise;
      llamaPromise = null;
      started = null;
      await llama?.dispose();
    },
  };
}

async function loadEngine(llama: Llama, options: EngineLoadOptions): Promise<LlamaInferenceEngine> {
  const { modelPath, desiredState, slots, threads, onSlotsChanged } = options;
  const parameters = desiredState.inference_parameters;
  const warnings: string[] = [];
  if (options.multimodalProjectionPath !== null) {
    warnings.push("node-llama-cpp cannot load a multimodal projection; image inputs are refused");
  }
  const headerProblem = await checkGgufHeader(modelPath).catch((error: unknown) => describeCause(error));
  if (headerProblem !== null)
    throw new ModelCannotBeLoadedError(modelPath, { cause: new Error(headerProblem) });
  let model: LlamaModel;
  try {
    const gpuLayers = parameters.n_gpu_layers === -1 ? "max" : parameters.n_gpu_layers;
    model = await llama.loadModel({ modelPath, gpuLayers: llama.gpu === false ? 0 : gpuLayers });
  } catch (cause) {
    throw new ModelCannotBeLoadedError(modelPath, { cause });
  }
  try {
    const metadata = flattenGgufMetadata(model.fileInfo.metadata);
    const chatTemplate = compileTemplate({ model, modelPath, metadata, options });
    let mode: LlamaEngineMode;
    if (parameters.enable_embeddings) {
      const poolingType = effectivePoolingType(metadata);
      if (parameters.pooling_type !== "Unspecified" && parameters.pooling_type !== poolingType) {
        warnings.push(
          `Pooling ${parameters.pooling_type} is not selectable here; the model pools as ${poolingType}`,
        );
      }
      const embeddingContext = await model
        .createEmbeddingContext({
          // getEmbeddingFor refuses inputs as long as the context, so one cell more than a batch.
          contextSize: parameters.n_batch + 1,
          batchSize: parameters.n_batch,
          threads,
        })
        .catch((cause: unknown) => {
          throw new SlotCannotStartError(0, { cause });
        });
      mode = { kind: "embeddings", embeddingContext, poolingType, slots };
      for (let index = 0; index < slots; index++) onSlotsChanged?.();
    } else {
      const context: LlamaContext = await createLlamaContext({
        model,
        parameters,
        slots,
        threads,
        warn: (message) => warnings.push(message),
      }).catch((cause: unknown) => {
        throw new SlotCannotStartError(0, { cause });
      });
      const sequences = Array.from({ length: slots }, () => context.getSequence());
      await warmUp(model, sequences[0]);
      for (let index = 0; index < slots; index++) onSlotsChanged?.();
      mode = { kind: "generation", context, sequences };
    }
    const compileChatTemplateFor = (state: typeof desiredState) =>
      compileTemplate({ model, modelPath, metadata, options: { ...options, desiredState: state } });
    return createLlamaEngine({
      llama,
      model,
      mode,
      desiredState,
      metadata,
      chatTemplate,
      compileChatTemplateFor,
      warnings,
    });
  } catch (error) {
    await model.dispose();
    throw error;
  }
}

function compileTemplate(input: {
  model: LlamaModel;
  modelPath: string;
  metadata: Record<string, string>;
  options: EngineLoadOptions;
}): CompiledChatTemplate | null {
  const { model, modelPath, metadata, options } = input;
  const content =
    options.desiredState.chat_template_override?.content ?? metadata["tokenizer.chat_template"] ?? null;
  if (content === null) return null;
  const nl = model.tokens.nl;
  try {
    return compileChatTemplate(content, {
      bosToken: model.tokens.bosString ?? "",
      eosToken: model.tokens.eosString ?? "",
      nlToken: nl === null ? "\n" : model.detokenize([nl], true),
    });
  } catch (cause) {
    // Paddler does not need a template in embeddings mode, so a broken one does not stop it there.
    if (options.desiredState.inference_parameters.enable_embeddings) return null;
    throw new ChatTemplateDoesNotCompileError({ modelPath, templateContent: content, cause });
  }
}

/**
 * One decode before the slots are reported ready, so the first request does not pay for llama.cpp
 * allocating its compute buffers (Paddler warms up too). The sequence is left empty again.
 */
async function warmUp(model: LlamaModel, sequence: LlamaContextSequence | undefined): Promise<void> {
  const bos = model.tokens.bos;
  if (!sequence || bos === null) return;
  await sequence.evaluateWithoutGeneratingNewTokens([bos]);
  await sequence.clearHistory();
}

import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "@paddler/logger";
import type { AgentEngineInfo } from "@paddler/protocol";
import { ModelCannotBeLoadedError } from "../../engine/engine-errors.js";
import type { EngineLoadOptions, InferenceEngineFactory } from "../../engine/inference-engine.js";
import { UpstreamEngine } from "../../engine/upstream-engine.js";
import { createLlamaServerAdapter } from "../llama-server-external/llama-server-adapter.js";
import { freePort } from "./free-port.js";
import { llamaServerArgs } from "./llama-server-args.js";
import { llamaServerEnv } from "./llama-server-env.js";
import { llamaServerNeedsRestart } from "./llama-server-needs-restart.js";
import { spawnWatched, type WatchedProcess } from "./spawn-watched.js";

export interface ManagedLlamaServerFactoryOptions {
  /** The llama-server executable (`--llama-server-binary`). */
  binary: string;
  logger: Logger;
  /** Called with the engine's info whenever it changes, and with null when it stops. */
  onEngineInfo?: (info: AgentEngineInfo | null) => void;
  /** How long llama-server may take to load a model before the load counts as failed. */
  startTimeoutMs?: number;
  /** How long a stopping llama-server gets to finish before it is killed. */
  stopGraceMs?: number;
}

/** The last lines llama-server wrote, to say why it would not start. */
function tailOf(lines: string[]): string {
  return lines.slice(-5).join(" | ") || "no output";
}

/**
 * Starts llama.cpp's own server for each desired state (model, slots, context, threads, chat
 * template, multimodal projection), waits until it is healthy, and stops it when the model
 * changes or the agent stops. It never outlives the agent (see spawnWatched) and is started
 * again if it dies on its own.
 */
export function createManagedLlamaServerFactory(
  options: ManagedLlamaServerFactoryOptions,
): InferenceEngineFactory {
  const { binary, logger, startTimeoutMs = 600_000, stopGraceMs = 10_000 } = options;

  async function load(load: EngineLoadOptions) {
    const templateDir = await mkdtemp(join(tmpdir(), "paddler-llama-server-"));
    const override = load.desiredState.chat_template_override;
    let chatTemplateFile: string | null = null;
    if (override) {
      chatTemplateFile = join(templateDir, "chat-template.jinja");
      await writeFile(chatTemplateFile, override.content);
    }
    const port = await freePort();
    const rootUrl = `http://127.0.0.1:${port}`;
    const log = logger.child({ llamaServer: rootUrl });
    const quantizedCache =
      load.desiredState.inference_parameters.k_cache_dtype !== "F16" ||
      load.desiredState.inference_parameters.v_cache_dtype !== "F16";
    let kvCacheFallback = false;
    let stopping = false;
    let process: WatchedProcess | null = null;
    const output: string[] = [];

    const engine = new UpstreamEngine({
      adapter: createLlamaServerAdapter({ rootUrl, kind: "LlamaServerManaged" }),
      slotCap: load.slots,
      logger: log,
      onChange: () => {
        load.onSlotsChanged?.();
        options.onEngineInfo?.(engine.engineInfo);
      },
    });

    const start = () => {
      const args = llamaServerArgs({ ...load, port, chatTemplateFile, kvCacheFallback });
      log.info("starting llama-server", { binary, args: args.join(" ") });
      const started = spawnWatched(binary, args, llamaServerEnv(binary));
      for (const stream of [started.child.stdout, started.child.stderr]) {
        stream.setEncoding("utf8");
        stream.on("data", (text: string) => {
          for (const line of text.split("\n")) {
            if (line.trim() === "") continue;
            output.push(line);
            if (output.length > 50) output.shift();
            log.debug("llama-server", { line });
          }
        });
      }
      void started.exited.then((how) => {
        if (stopping || process !== started) return;
        log.error("llama-server exited; starting it again", { how, output: tailOf(output) });
        void engine.refresh();
        setTimeout(() => {
          if (!stopping && process === started) {
            process = start();
          }
        }, 1000).unref();
      });
      return started;
    };

    /** Waits until the server reports its slots, or fails with what it printed. */
    const waitHealthy = async (started: WatchedProcess) => {
      const deadline = Date.now() + startTimeoutMs;
      let exit: string | null = null;
      void started.exited.then((how) => {
        exit = how;
      });
      for (;;) {
        await engine.refresh();
        if (engine.slotsTotal > 0) return;
        if (exit !== null) throw new Error(`llama-server exited (${exit}): ${tailOf(output)}`);
        if (Date.now() > deadline)
          throw new Error(`llama-server was not healthy within ${startTimeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    };

    const stop = async () => {
      stopping = true;
      const current = process;
      process = null;
      await current?.stop(stopGraceMs);
    };

    try {
      // The first start's exit is awaited here; the restart handler must not race it.
      stopping = true;
      process = start();
      try {
        await waitHealthy(process);
      } catch (error) {
        if (!quantizedCache) throw error;
        log.warn("llama-server did not start with a quantized KV cache; trying F16", { error });
        await stop();
        kvCacheFallback = true;
        output.length = 0;
        process = start();
        await waitHealthy(process);
      }
      stopping = false;
      await engine.start();
    } catch (error) {
      await stop();
      await engine[Symbol.asyncDispose]();
      await rm(templateDir, { recursive: true, force: true });
      throw new ModelCannotBeLoadedError(load.modelPath, { cause: error });
    }
    engine.setDesiredState(load.desiredState);
    options.onEngineInfo?.(engine.engineInfo);
    log.info("llama-server is serving", { slots: engine.slotsTotal });

    // Sampling travels with each request (updateRuntimeState keeps it); what is on llama-server's
    // command line (model, context, chat template...) needs a restart.
    Object.defineProperty(engine, "needsReload", { value: llamaServerNeedsRestart });
    // The engine's own dispose also stops the server it runs on.
    const dispose = engine[Symbol.asyncDispose].bind(engine);
    Object.defineProperty(engine, Symbol.asyncDispose, {
      value: async () => {
        await stop();
        await dispose();
        await rm(templateDir, { recursive: true, force: true });
        options.onEngineInfo?.(null);
      },
    });
    return engine;
  }

  return { load };
}

import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createLogger } from "@paddler/logger";
import { describe, expect, it } from "vitest";
import { conformanceDesiredState, describeEngineConformance } from "../../engine/engine-conformance.js";
import { UpstreamEngine } from "../../engine/upstream-engine.js";
import { createLlamaServerAdapter } from "../llama-server-external/llama-server-adapter.js";
import { findLlamaServerBinary } from "./find-llama-server-binary.js";
import { createManagedLlamaServerFactory } from "./managed-llama-server-factory.js";

// The real llama-server (scripts/build-llama-server.sh) on the real test model, one thread.
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../../../..");
const modelPath = resolve(repoRoot, "models/stories260K.gguf");
const binary = await findLlamaServerBinary(repoRoot);
const logger = createLogger({ level: "error" });
// CI always builds it (.ci/run); elsewhere these tests wait for someone to run the script.
const available = binary !== null || process.env.CI === "true";

async function startManaged(slots: number) {
  if (!binary)
    throw new Error(
      "no llama-server: run scripts/build-llama-server.sh (CI exports PADDLER_LLAMA_SERVER_BINARY)",
    );
  return createManagedLlamaServerFactory({ binary, logger }).load({
    modelPath,
    multimodalProjectionPath: null,
    desiredState: conformanceDesiredState,
    slots,
    threads: 1,
  });
}

if (available) {
  describeEngineConformance("managed llama-server", async () => {
    const engine = await startManaged(2);
    return { engine, close: async () => await engine[Symbol.asyncDispose]() };
  });

  describeEngineConformance("external llama-server", async () => {
    const server = await startManaged(2);
    const rootUrl = (server as UpstreamEngine).engineInfo.upstream ?? "";
    const engine = new UpstreamEngine({
      adapter: createLlamaServerAdapter({ rootUrl, kind: "LlamaServerExternal" }),
      slotCap: null,
      logger,
    });
    await engine.start();
    engine.setDesiredState(conformanceDesiredState);
    return {
      engine,
      close: async () => {
        await engine[Symbol.asyncDispose]();
        await server[Symbol.asyncDispose]();
      },
    };
  });

  describe("managed llama-server", () => {
    it("refuses a file that is not a model with ModelCannotBeLoaded", async () => {
      const factory = createManagedLlamaServerFactory({ binary: binary ?? "", logger });
      await expect(
        factory.load({
          modelPath: resolve(repoRoot, "package.json"),
          multimodalProjectionPath: null,
          desiredState: conformanceDesiredState,
          slots: 1,
          threads: 1,
        }),
      ).rejects.toMatchObject({ code: "ModelCannotBeLoaded" });
    }, 120_000);
  });
} else {
  describe.skip("llama-server engines (no llama-server built here: run scripts/build-llama-server.sh)", () => {
    it("needs the binary", () => {});
  });
}

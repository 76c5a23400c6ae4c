import { describe, expect, it, vi } from "vitest";

const getLlama = vi.fn();
vi.mock("node-llama-cpp", async (importOriginal) => ({
  ...(await importOriginal<typeof import("node-llama-cpp")>()),
  getLlama: (...args: unknown[]) => getLlama(...args),
}));

const { createLlamaEngineFactory } = await import("./llama-engine-factory.js");
const { ModelCannotBeLoadedError } = await import("./engine-errors.js");

const loadOptions = {
  modelPath: "/models/m.gguf",
  multimodalProjectionPath: null,
  desiredState: {} as never,
  slots: 1,
  threads: 1,
};

describe("the llama engine factory's native binary", () => {
  it("never compiles llama.cpp at run time, and a missing binary is a load error naming the fix", async () => {
    getLlama.mockRejectedValueOnce(new Error("NoBinaryFoundError: no prebuilt binary"));
    const factory = createLlamaEngineFactory();
    const failure = await factory.load(loadOptions).catch((error: unknown) => error);
    expect(getLlama).toHaveBeenCalledWith(expect.objectContaining({ build: "never" }));
    expect(failure).toBeInstanceOf(ModelCannotBeLoadedError);
    expect(String((failure as Error).message)).toContain("node-llama-cpp source build");
    // The failure is not kept: the next load asks again (after a build, say).
    getLlama.mockRejectedValueOnce(new Error("still none"));
    await factory.load(loadOptions).catch(() => {});
    expect(getLlama).toHaveBeenCalledTimes(2);
  });
});

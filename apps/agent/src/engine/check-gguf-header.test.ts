import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkGgufHeader } from "./check-gguf-header.js";

const modelPath = resolve(fileURLToPath(import.meta.url), "../../../../../models/stories260K.gguf");

describe("checkGgufHeader", () => {
  it("accepts a real GGUF file", async () => {
    expect(await checkGgufHeader(modelPath)).toBeNull();
  });

  it("names what is wrong with a corrupt file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gguf-"));
    const cases: [string, Buffer, string][] = [
      ["short", Buffer.from("GGUF"), "too short"],
      ["magic", Buffer.alloc(32, 1), "magic"],
      ["version", Buffer.concat([Buffer.from("GGUF but not really a model")]), "unsupported GGUF version"],
    ];
    for (const [name, content, problem] of cases) {
      const path = join(dir, `${name}.gguf`);
      await writeFile(path, content);
      expect(await checkGgufHeader(path)).toContain(problem);
    }
  });
});

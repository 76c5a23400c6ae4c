import { readdir, readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// The balancer and the agent share no code, so each carries the small flag-parsing kit. This keeps
// the two copies from drifting apart: change one, copy it to the other.
const balancerConfig = fileURLToPath(new URL("../../balancer/src/config/", import.meta.url));
const agentConfig = fileURLToPath(new URL("../../agent/src/config/", import.meta.url));

describe("config kit copies", () => {
  it("are byte-identical in apps/balancer and apps/agent", async () => {
    const kitFiles = ["addr.ts", ...(await readdir(`${balancerConfig}flags`)).map((name) => `flags/${name}`)];
    expect((await readdir(`${agentConfig}flags`)).sort()).toEqual(
      kitFiles
        .filter((file) => file.startsWith("flags/"))
        .map((file) => file.slice("flags/".length))
        .sort(),
    );
    for (const file of kitFiles) {
      expect(await readFile(`${agentConfig}${file}`, "utf8"), file).toBe(
        await readFile(`${balancerConfig}${file}`, "utf8"),
      );
    }
  });
});

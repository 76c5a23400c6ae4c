import { createReadStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PaddlerProcess, spawnPaddler } from "./testing/spawn-paddler.js";

const repositoryRoot = fileURLToPath(new URL("../../../", import.meta.url)).replace(/\/$/, "");
const bundledModel = fileURLToPath(new URL("../../../models/stories260K.gguf", import.meta.url));
const anyPort = [
  "--management-addr=127.0.0.1:0",
  "--inference-addr=127.0.0.1:0",
  "--web-admin-panel-addr=127.0.0.1:0",
  "--compat-openai-addr=127.0.0.1:0",
];

let cacheDir = "";
beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), "paddler-start-"));
});
afterAll(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

const isModelLoaded = (line: string) => line.includes('"model loaded"');

function managementUrl(process: PaddlerProcess): string {
  const started = process.records.find((record) => record.msg === "balancer started") as
    | { addresses: { management: string } }
    | undefined;
  if (!started) throw new Error("no 'balancer started' line");
  return `http://${started.addresses.management}`;
}

// Each run starts node with tsx, both apps and a model: many seconds on a busy machine.
describe("paddler start", { timeout: 180_000 }, () => {
  it("starts healthy on the bundled model: no error lines, one KV cache warning, the panel URL on its own line", async () => {
    const paddler = spawnPaddler(["start", ...anyPort], { env: { PADDLER_CACHE_DIR: cacheDir } });
    try {
      await paddler.waitForLine(isModelLoaded);
      // Logs are JSON lines when stderr is not a terminal.
      expect(paddler.lines.filter((line) => line.trim() !== "").every((line) => line.startsWith("{"))).toBe(
        true,
      );
      expect(paddler.lines.filter((line) => line.includes('"level":"error"'))).toEqual([]);
      const kvWarnings = paddler.records.filter(
        (record) => record.level === "warn" && String(record.msg).includes("KV cache type Q8_0/Q8_0"),
      );
      expect(kvWarnings).toHaveLength(1);
      // Nothing else at warn on a healthy start (llama.cpp's own lines are at debug).
      expect(paddler.records.filter((record) => record.level === "warn")).toHaveLength(1);
      expect(paddler.stdout()).toMatch(/^\nAdmin panel: http:\/\/127\.0\.0\.1:\d+\n\n$/);
      // The warning is the agent's, for the panel to show.
      const agents = (await (await fetch(`${managementUrl(paddler)}/api/v1/agents`)).json()) as {
        agents: Array<{ warnings?: string[] }>;
      };
      expect(agents.agents[0]?.warnings?.join("\n")).toContain("KV cache type Q8_0/Q8_0");
    } finally {
      expect(await paddler.stop()).toBe(0);
    }
  });

  it("downloads --model from a URL, reporting progress, and serves it", async () => {
    const size = (await stat(bundledModel)).size;
    const server: Server = createServer((_request, response) => {
      response.writeHead(200, { "content-length": String(size), "content-type": "application/octet-stream" });
      createReadStream(bundledModel).pipe(response);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const paddler = spawnPaddler(["start", ...anyPort, "--model", `http://127.0.0.1:${port}/tiny.gguf`], {
      env: { PADDLER_CACHE_DIR: cacheDir },
    });
    try {
      await paddler.waitForLine(isModelLoaded);
      const progress = paddler.records.filter((record) => record.msg === "downloading the model");
      expect(progress.at(-1)).toMatchObject({ percent: 100, total: size });
      expect(paddler.records.some((record) => record.msg === "model downloaded")).toBe(true);
      const desired = (await (
        await fetch(`${managementUrl(paddler)}/api/v1/balancer_desired_state`)
      ).json()) as {
        model: unknown;
      };
      expect(desired.model).toEqual({ Url: { url: `http://127.0.0.1:${port}/tiny.gguf` } });
    } finally {
      expect(await paddler.stop()).toBe(0);
      server.close();
    }
  });

  it("names a missing model file as resolved and the working directory once, then only at debug", async () => {
    const paddler = spawnPaddler(
      ["start", ...anyPort, "--model", "no-such-dir/missing.gguf", "--log-level", "debug"],
      {
        env: { PADDLER_CACHE_DIR: cacheDir },
      },
    );
    try {
      // Retried every second: wait for three attempts.
      await paddler.waitForLine(
        () =>
          paddler.records.filter((record) => String(record.msg).startsWith("could not apply")).length >= 3,
      );
      const attempts = paddler.records.filter((record) => String(record.msg).startsWith("could not apply"));
      expect(attempts.map((record) => record.level)).toEqual([
        "warn",
        ...attempts.slice(1).map(() => "debug"),
      ]);
      expect(attempts[0]?.reason).toContain(join(repositoryRoot, "no-such-dir/missing.gguf"));
      expect(attempts[0]?.reason).toContain(`working directory is ${repositoryRoot}`);
    } finally {
      expect(await paddler.stop()).toBe(0);
    }
  });

  it("writes readable lines with --log-format pretty", async () => {
    const paddler = spawnPaddler(["start", ...anyPort, "--log-format", "pretty"], {
      env: { PADDLER_CACHE_DIR: cacheDir },
    });
    try {
      await paddler.waitForLine((line) => line.includes("model loaded"));
      const line = paddler.lines.find((candidate) => candidate.includes("model loaded")) ?? "";
      expect(line.startsWith("{")).toBe(false);
      expect(line).toMatch(/INFO.*model loaded/);
    } finally {
      expect(await paddler.stop()).toBe(0);
    }
  });
});

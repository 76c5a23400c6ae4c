import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const repositoryRoot = fileURLToPath(new URL("../../../", import.meta.url));
const mainScript = fileURLToPath(new URL("./main.ts", import.meta.url));

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `paddler` as `pnpm paddler` does (tsx from source), optionally signalling it once it logs `waitFor`. */
function paddler(args: string[], options: { waitFor?: string; signal?: NodeJS.Signals } = {}): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--conditions=@paddler/source", "--import", "tsx", mainScript, ...args],
      {
        cwd: repositoryRoot,
        env: { ...process.env, PADDLER_LOG_LEVEL: "", PADDLER_LOG_FORMAT: "" },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    let signalled = false;
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (options.waitFor && !signalled && stderr.includes(options.waitFor)) {
        signalled = true;
        child.kill(options.signal ?? "SIGTERM");
      }
    });
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

// Each run starts node with tsx and imports both apps: seconds on a busy machine.
describe("paddler command", { timeout: 60_000 }, () => {
  it("prints help and exits 0", async () => {
    const result = await paddler(["--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Usage: paddler <command>/);
    for (const command of ["balancer", "agent", "start", "help"]) {
      expect(result.stdout).toContain(`  ${command} `);
    }
  });

  it.each([
    [["balancer", "--help"], "--statsd-reporting-interval <ms>"],
    [["agent", "-h"], "--slots <count>"],
  ])("prints %j and exits 0 even without required flags", async (args, expected) => {
    const result = await paddler(args);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(expected);
  });

  it.each([
    [["balancer", "--foo"], "paddler: --foo: unknown flag; see --help"],
    [
      ["agent", "--management-addr", "127.0.0.1:8060", "--slot", "2"],
      "paddler: --slot: unknown flag; did you mean --slots? (see --help)",
    ],
    [["start", "--modle", "x.gguf"], "paddler: --modle: unknown flag; did you mean --model? (see --help)"],
    [
      ["start", "--model", "hf://only-owner"],
      "paddler: --model: expected hf://owner/repo/file.gguf[@revision], got 'hf://only-owner'",
    ],
    [
      ["balancer", "--max-buffered-requests", "lots"],
      "paddler: --max-buffered-requests: expected an integer ≥ 0, got 'lots'",
    ],
    [
      ["agent", "--management-addr", "127.0.0.1:8060", "--slots", "abc"],
      "paddler: --slots: expected an integer ≥ 1, got 'abc'",
    ],
    [["agent", "--slots", "2"], "paddler: --management-addr is required; see --help"],
    [["serve"], "paddler: unknown command 'serve'; see paddler --help"],
    [[], "paddler: missing command; see paddler --help"],
  ])("exits 2 on %j, naming the problem", async (args, message) => {
    const result = await paddler(args);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(message);
    expect(result.stdout).toBe("");
  });

  it("exits 1 naming the flag whose address is taken", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    const { port } = taken.address() as AddressInfo;
    try {
      const result = await paddler([
        "balancer",
        "--management-addr=127.0.0.1:0",
        `--inference-addr=127.0.0.1:${port}`,
      ]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`paddler: --inference-addr: 127.0.0.1:${port} is already in use`);
    } finally {
      taken.close();
    }
  });

  it("prints start's flags with start --help", async () => {
    const result = await paddler(["start", "--help"]);
    expect(result.code).toBe(0);
    for (const flag of [
      "--model",
      "--inference-addr",
      "--management-addr",
      "--web-admin-panel-addr",
      "--compat-openai-addr",
    ]) {
      expect(result.stdout).toContain(flag);
    }
  });

  it("exits 1 naming the file when the state file is broken, and leaves it untouched", async () => {
    const directory = await mkdtemp(join(tmpdir(), "paddler-cli-"));
    try {
      const path = join(directory, "state.json");
      await writeFile(path, "{ not json");
      const result = await paddler([
        "balancer",
        "--management-addr=127.0.0.1:0",
        "--inference-addr=127.0.0.1:0",
        `--state-database=file://${path}`,
      ]);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(path);
      expect(result.stderr).toContain("not valid JSON");
      expect(await readFile(path, "utf8")).toBe("{ not json");
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  });

  it.each(["SIGTERM", "SIGINT"] as const)("closes the balancer on %s and exits 0", async (signal) => {
    const result = await paddler(
      ["balancer", "--management-addr=127.0.0.1:0", "--inference-addr=127.0.0.1:0"],
      {
        waitFor: "balancer started",
        signal,
      },
    );
    expect(result.stderr).toContain("balancer started");
    expect(result.code).toBe(0);
  });
});

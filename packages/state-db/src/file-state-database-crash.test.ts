import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { stateDatabaseFileSchema } from "@paddler/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStateDatabase } from "./open-state-database.js";

const repositoryRoot = fileURLToPath(new URL("../../../", import.meta.url));
const storeInLoop = fileURLToPath(new URL("./fixtures/store-in-loop.ts", import.meta.url));
const KILLS = 30;

let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), "paddler-state-db-crash-"));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** Starts the storing child, kills it with SIGKILL a random moment after its first store. */
function storeThenGetKilled(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--conditions=@paddler/source", "--import", "tsx", storeInLoop, url],
      {
        cwd: repositoryRoot,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.stdout.once("data", () => {
      setTimeout(() => child.kill("SIGKILL"), Math.random() * 40);
    });
    child.once("error", reject);
    child.once("exit", (_code, signal) => {
      if (signal === "SIGKILL") {
        resolve();
      } else {
        reject(new Error(`the storing child exited on its own (${String(signal)}): ${stderr}`));
      }
    });
  });
}

describe("file state database under SIGKILL", () => {
  it(`leaves a file that parses and validates after each of ${KILLS} kills mid-store`, async () => {
    const path = join(directory, "state.json");
    const url = `file://${path}`;
    for (let kill = 0; kill < KILLS; kill += 1) {
      await storeThenGetKilled(url);
      const document: unknown = JSON.parse(await readFile(path, "utf8"));
      expect(stateDatabaseFileSchema.safeParse(document).success).toBe(true);
    }
    // Reopening also sweeps the temp files that the kills left behind.
    await using database = await openStateDatabase(url);
    const state = await database.readBalancerDesiredState();
    expect(state.inference_parameters.context_size).toBeGreaterThan(0);
  }, 180_000);
});

import { type ChildProcess, execSync, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { repoRoot } from "../test-model.js";
import { freePort, waitForOk } from "./bundle-process.js";
import { readDockerfileRecipe } from "./dockerfile-recipe.js";

// The Dockerfile's own steps, replayed without Docker (no engine runs on CI machines): build,
// `pnpm deploy --prod` into a folder outside the workspace, then start the entry from there.
describe("balancer deploy bundle (apps/balancer/Dockerfile)", { timeout: 120_000 }, () => {
  let folder = "";
  let bundle = "";
  let child: ChildProcess | null = null;
  let output = "";
  let managementUrl = "";
  let inferenceUrl = "";

  beforeAll(async () => {
    const recipe = await readDockerfileRecipe(join(repoRoot, "apps/balancer/Dockerfile"));
    folder = await mkdtemp(join(tmpdir(), "paddler-deploy-"));
    bundle = join(folder, "app");
    const env = { ...process.env, CI: "true" };
    execSync(recipe.buildCommand, { cwd: repoRoot, env, stdio: "pipe" });
    execSync(`${recipe.deployCommand} ${bundle}`, { cwd: repoRoot, env, stdio: "pipe" });
    await writeFile(join(bundle, recipe.entryName), recipe.entryScript);

    const [managementPort, inferencePort] = [await freePort(), await freePort()];
    managementUrl = `http://127.0.0.1:${managementPort}`;
    inferenceUrl = `http://127.0.0.1:${inferencePort}`;
    // A bare environment: nothing from the workspace (NODE_OPTIONS with the source condition,
    // NODE_PATH) may help the bundle resolve its modules. Flags come from PADDLER_* variables,
    // as in the image.
    child = spawn(process.execPath, [recipe.entryName], {
      cwd: bundle,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: folder,
        PADDLER_MANAGEMENT_ADDR: `127.0.0.1:${managementPort}`,
        PADDLER_INFERENCE_ADDR: `127.0.0.1:${inferencePort}`,
        PADDLER_STATE_DATABASE: `file://${join(folder, "state.json")}`,
        PADDLER_LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (part: Buffer) => {
      output += part.toString();
    });
    child.stderr?.on("data", (part: Buffer) => {
      output += part.toString();
    });
    await waitForOk(`${managementUrl}/health`, 20_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\nbalancer output:\n${output}`);
    });
  }, 300_000);

  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = once(child, "exit");
      child.kill("SIGKILL");
      await exited;
    }
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it("holds production dependencies only", () => {
    expect(existsSync(join(bundle, "node_modules/hono"))).toBe(true);
    expect(existsSync(join(bundle, "node_modules/@paddler/protocol/dist/index.js"))).toBe(true);
    for (const devOnly of ["typescript", "tsx", "vitest", "@types/ws", "node-llama-cpp"])
      expect(existsSync(join(bundle, "node_modules", devOnly)), devOnly).toBe(false);
  });

  it("serves /health on both services and the management API", async () => {
    expect(await waitForOk(`${managementUrl}/health`, 1000)).toBe("OK");
    expect(await waitForOk(`${inferenceUrl}/health`, 1000)).toBe("OK");
    const agents = await fetch(`${managementUrl}/api/v1/agents`);
    expect(agents.status).toBe(200);
    expect(await agents.json()).toEqual({ agents: [] });
    const state = await fetch(`${managementUrl}/api/v1/balancer_desired_state`);
    expect(state.status).toBe(200);
    expect(await state.json()).toMatchObject({ model: "None", use_chat_template_override: false });
    // The file:// state database from PADDLER_STATE_DATABASE was created.
    expect(existsSync(join(folder, "state.json"))).toBe(true);
  });

  it("drains and exits 0 on SIGTERM", async () => {
    const running = child as ChildProcess;
    const exited = once(running, "exit");
    running.kill("SIGTERM");
    const [code] = (await exited) as [number | null];
    expect(code, output).toBe(0);
  });
});

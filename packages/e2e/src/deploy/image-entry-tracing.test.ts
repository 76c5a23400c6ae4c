import { execSync } from "node:child_process";
import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { contentText, readNdjson, waitUntil } from "../ndjson.js";
import { testDesiredState } from "../test-cluster.js";
import { repoRoot } from "../test-model.js";
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from "../tracing/otlp-receiver.js";
import { type EntryProcess, freePort, spawnEntry, waitForOk } from "./bundle-process.js";
import { readDockerfileRecipe } from "./dockerfile-recipe.js";

const clientTraceId = "0af7651916cd43dd8448eb211c80319c";
const clientSpanId = "b7ad6b7169203331";

function byName(spans: ReceivedSpan[], service: string, name: string): ReceivedSpan {
  const span = spans.find((candidate) => candidate.service === service && candidate.name === name);
  if (!span)
    throw new Error(`no ${service} span named ${name}: ${spans.map((s) => `${s.service}/${s.name}`)}`);
  return span;
}

// The images' ENTRYPOINT scripts (the Dockerfiles' ENTRY heredocs), run without Docker with only
// OTEL_* and PADDLER_* variables, as a user would run the images: the balancer's from its
// `pnpm deploy` bundle, the agent's beside the workspace's built agent (its production bundle
// would copy node-llama-cpp's binaries). Spans from both reach an in-process OTLP receiver.
describe("Docker image entries start tracing from OTEL_* variables", { timeout: 300_000 }, () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it("exports balancer and agent spans in one trace", async () => {
    const receiver: OtlpReceiver = await startOtlpReceiver();
    cleanup.push(() => receiver.close());
    const folder = await mkdtemp(join(tmpdir(), "paddler-image-tracing-"));
    cleanup.push(() => rm(folder, { recursive: true, force: true }));
    const buildEnv = { ...process.env, CI: "true" };
    const otel = {
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_BSP_SCHEDULE_DELAY: "50",
    };

    const balancerRecipe = await readDockerfileRecipe(join(repoRoot, "apps/balancer/Dockerfile"));
    const balancerBundle = join(folder, "balancer");
    execSync(balancerRecipe.buildCommand, { cwd: repoRoot, env: buildEnv, stdio: "pipe" });
    execSync(`${balancerRecipe.deployCommand} ${balancerBundle}`, {
      cwd: repoRoot,
      env: buildEnv,
      stdio: "pipe",
    });
    await writeFile(join(balancerBundle, balancerRecipe.entryName), balancerRecipe.entryScript);

    const agentRecipe = await readDockerfileRecipe(join(repoRoot, "apps/agent/Dockerfile"));
    const agentApp = join(folder, "agent");
    execSync(agentRecipe.buildCommand, { cwd: repoRoot, env: buildEnv, stdio: "pipe" });
    await mkdir(agentApp);
    await symlink(join(repoRoot, "apps/agent/dist"), join(agentApp, "dist"));
    await symlink(join(repoRoot, "apps/agent/node_modules"), join(agentApp, "node_modules"));
    await writeFile(join(agentApp, agentRecipe.entryName), agentRecipe.entryScript);

    const [managementPort, inferencePort] = [await freePort(), await freePort()];
    const managementAddr = `127.0.0.1:${managementPort}`;
    // A bare environment: nothing from the workspace (NODE_OPTIONS with the source condition)
    // and no OTEL_* of the machine running the tests.
    const balancer: EntryProcess = spawnEntry({
      cwd: balancerBundle,
      entryName: balancerRecipe.entryName,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: folder,
        PADDLER_MANAGEMENT_ADDR: managementAddr,
        PADDLER_INFERENCE_ADDR: `127.0.0.1:${inferencePort}`,
        PADDLER_STATE_DATABASE: "memory://",
        ...otel,
      },
    });
    cleanup.push(() => balancer.kill());
    await waitForOk(`http://${managementAddr}/health`, 20_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\nbalancer output:\n${balancer.output()}`);
    });
    const put = await fetch(`http://${managementAddr}/api/v1/balancer_desired_state`, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(testDesiredState()),
    });
    expect(put.status).toBe(204);

    const agent = spawnEntry({
      cwd: agentApp,
      entryName: agentRecipe.entryName,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: folder,
        PADDLER_CACHE_DIR: join(folder, "cache"),
        PADDLER_MANAGEMENT_ADDR: managementAddr,
        PADDLER_SLOTS: "1",
        PADDLER_THREADS: "1",
        PADDLER_NAME: "image-agent",
        ...otel,
      },
    });
    cleanup.push(() => agent.kill());
    await waitUntil(async () => {
      const snapshot = (await (await fetch(`http://${managementAddr}/api/v1/agents`)).json()) as {
        agents: { slots_total: number }[];
      };
      return snapshot.agents.some((entry) => entry.slots_total === 1);
    }, 90_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\nagent output:\n${agent.output()}`);
    });

    const response = await fetch(`http://127.0.0.1:${inferencePort}/api/v1/continue_from_raw_prompt`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "X-Request-Id": "image-traced",
        traceparent: `00-${clientTraceId}-${clientSpanId}-01`,
      },
      body: JSON.stringify({ raw_prompt: "Once upon a time", max_tokens: 8 }),
    });
    expect(response.status).toBe(200);
    expect(contentText(await readNdjson(response)).length).toBeGreaterThan(0);

    // Both exit cleanly on SIGTERM, exporting what their batches still hold.
    expect(await agent.stop(), agent.output()).toBe(0);
    expect(await balancer.stop(), balancer.output()).toBe(0);
    await waitUntil(
      () =>
        receiver.spans.some((span) => span.service === "paddler-agent" && span.name === "generation") &&
        receiver.spans.some((span) => span.service === "paddler-balancer" && span.name === "dispatch"),
      10_000,
    );
    const spans = receiver.spans.filter((span) => span.traceId === clientTraceId);
    const request = byName(spans, "paddler-balancer", "POST /api/v1/continue_from_raw_prompt");
    expect(request.parentSpanId).toBe(clientSpanId);
    const dispatch = byName(spans, "paddler-balancer", "dispatch");
    expect(dispatch.attributes).toMatchObject({ "paddler.agent.name": "image-agent" });
    const agentRequest = byName(spans, "paddler-agent", "ContinueFromRawPrompt");
    expect(agentRequest.parentSpanId).toBe(dispatch.spanId);
    expect(byName(spans, "paddler-agent", "generation").parentSpanId).toBe(agentRequest.spanId);
    expect(receiver.rejected).toEqual([]);
  });
});

import { existsSync, readdirSync, readFileSync } from "node:fs";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findLlamaServerBinary } from "@paddler/agent";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { contentText, postJson, readNdjson } from "../ndjson.js";
import { waitForIdleSlots } from "../openai/openai-cluster.js";
import { startTestCluster, type TestCluster, testDesiredState } from "../test-cluster.js";
import { repoRoot, testModelPath } from "../test-model.js";
import { startEngineAgent, waitForAgent } from "./engine-agent.js";
import { type LlamaServerProcess, startLlamaServerProcess } from "./llama-server-process.js";

// The real llama-server (scripts/build-llama-server.sh; CI exports its path) on the real model.
const binary = await findLlamaServerBinary(repoRoot);
const available = binary !== null || process.env.CI === "true";
const needBinary = () => {
  if (!binary) throw new Error("no llama-server: run scripts/build-llama-server.sh");
  return binary;
};

async function rawPrompt(cluster: TestCluster, maxTokens: number, signal?: AbortSignal) {
  return postJson(
    `${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`,
    { raw_prompt: "Once upon a time", max_tokens: maxTokens },
    signal,
  );
}

describe.runIf(available)("an agent in front of an external llama-server (Paddler 1.x mode)", () => {
  let server: LlamaServerProcess;
  let cluster: TestCluster;
  let openai: OpenAI;

  beforeAll(async () => {
    server = await startLlamaServerProcess({ binary: needBinary(), modelPath: testModelPath, slots: 2 });
    cluster = await startTestCluster({
      balancer: { compatOpenaiAddr: { host: "127.0.0.1", port: 0 } },
      desiredState: null,
    });
    const [host, port] = server.rootUrl.replace("http://", "").split(":");
    await startEngineAgent(cluster, {
      kind: "LlamaServerExternal",
      addr: { host: host ?? "", port: Number(port) },
    });
    await cluster.waitForSlots(2);
    openai = new OpenAI({
      baseURL: `http://${cluster.balancer.addresses.compatOpenai}/v1`,
      apiKey: "unused",
      maxRetries: 0,
    });
  }, 180_000);

  afterAll(async () => {
    await cluster?.close();
    await server?.kill();
  });

  it("reports the server's slots, model and address as its own", async () => {
    const agent = await waitForAgent(cluster, (candidate) => candidate.slots_total === 2, "2 slots");
    expect(agent.model_path).toBe(testModelPath);
    expect(agent.engine).toMatchObject({ kind: "LlamaServerExternal", upstream: server.rootUrl });
    expect(agent.issues).toEqual([]);
  });

  it("never runs more requests than the server has slots, under load", async () => {
    let mostBusy = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        mostBusy = Math.max(mostBusy, await server.busySlots());
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    const responses = await Promise.all(
      Array.from({ length: 6 }, async () => readNdjson(await rawPrompt(cluster, 40))),
    );
    sampling = false;
    await sampler;
    for (const messages of responses) {
      expect(contentText(messages).length).toBeGreaterThan(0);
      expect(JSON.stringify(messages.at(-1))).toContain("Done");
    }
    expect(mostBusy).toBeGreaterThan(0);
    expect(mostBusy).toBeLessThanOrEqual(2);
  });

  it("frees the server's slot when the client cancels", async () => {
    const controller = new AbortController();
    const response = await rawPrompt(cluster, 100_000, controller.signal);
    const reader = response.body?.getReader();
    await reader?.read();
    await waitForBusy(server, 1);
    controller.abort();
    await waitFor(async () => (await server.busySlots()) === 0, "llama-server's slot to be free");
    await waitForIdleSlots(cluster);
  });

  it("passes an OpenAI request with logprobs and n: 2 through as it came", async () => {
    const request = {
      model: "stories260K.gguf",
      messages: [{ role: "user" as const, content: "Once upon a time" }],
      max_tokens: 4,
      temperature: 0,
      logprobs: true,
      top_logprobs: 2,
      n: 2,
    };
    const direct = (await (
      await fetch(`${server.rootUrl}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(request),
      })
    ).json()) as OpenAI.ChatCompletion;
    const through = await openai.chat.completions.create(request);
    expect(through.choices).toHaveLength(2);
    for (const choice of through.choices) expect(choice.logprobs?.content?.[0]?.top_logprobs).toHaveLength(2);
    // Same text, tokens and candidates as llama-server gives directly; the log-probabilities agree
    // to float noise (the server batches the two runs differently).
    const shape = (choices: OpenAI.ChatCompletion.Choice[]) =>
      choices.map((choice) => ({
        index: choice.index,
        content: choice.message.content,
        finish_reason: choice.finish_reason,
        tokens: choice.logprobs?.content?.map((token) => [
          token.token,
          token.top_logprobs.map((top) => top.token),
        ]),
      }));
    expect(shape(through.choices)).toEqual(shape(direct.choices));
    const logprobs = (choices: OpenAI.ChatCompletion.Choice[]) =>
      choices.flatMap((choice) => choice.logprobs?.content?.map((token) => token.logprob) ?? []);
    const expected = logprobs(direct.choices);
    for (const [index, value] of logprobs(through.choices).entries()) {
      expect(value).toBeCloseTo(expected[index] ?? 0, 3);
    }
    await waitForIdleSlots(cluster);
  });

  it("reports no slots and an issue while the server is down, and serves again when it is back", async () => {
    await server.kill();
    const down = await waitForAgent(cluster, (agent) => agent.slots_total === 0, "the slots to drop to 0");
    expect(down.issues[0]).toHaveProperty("SlotCannotStart");
    // A request sent now waits in the buffer for the server to come back.
    const waiting = rawPrompt(cluster, 8);
    await server.start();
    await cluster.waitForSlots(2, 60_000);
    const messages = await readNdjson(await waiting);
    expect(contentText(messages).length).toBeGreaterThan(0);
    const up = await waitForAgent(cluster, (agent) => agent.slots_total === 2, "2 slots again");
    expect(up.issues).toEqual([]);
  });

  it("says so when the cluster wants another model, and keeps serving what it serves", async () => {
    await cluster.putDesiredState(
      testDesiredState({ model: { LocalToAgent: "/models/another-model.gguf" } }),
    );
    const agent = await waitForAgent(cluster, (candidate) => candidate.issues.length > 0, "a model issue");
    expect(agent.issues[0]).toHaveProperty("ModelCannotBeLoaded");
    expect(agent.slots_total).toBe(2);
    await cluster.putDesiredState(testDesiredState());
    await waitForAgent(cluster, (candidate) => candidate.issues.length === 0, "the issue to clear");
  });

  it("warns that the cluster's chat template override is not applied to a server it does not start", async () => {
    await cluster.putDesiredState(testDesiredState());
    const agent = await waitForAgent(
      cluster,
      (candidate) => (candidate.warnings ?? []).some((warning) => warning.includes("chat template override")),
      "the chat template warning",
    );
    expect(agent.warnings).toContain(
      `the cluster's chat template override is not applied: ${server.rootUrl} formats conversations with its own template`,
    );
    // Without an override there is nothing to warn about.
    await cluster.putDesiredState(
      testDesiredState({ use_chat_template_override: false, chat_template_override: null }),
    );
    await waitForAgent(
      cluster,
      (candidate) => (candidate.warnings ?? []).length === 0,
      "the warning to clear",
    );
  });
});

describe.runIf(available)("an agent that runs llama-server itself", () => {
  let cluster: TestCluster;
  let scratch: string;

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), "paddler-managed-"));
    cluster = await startTestCluster({ balancer: { compatOpenaiAddr: { host: "127.0.0.1", port: 0 } } });
    await startEngineAgent(cluster, { kind: "LlamaServerManaged", binary: needBinary() }, { slots: 2 });
    await cluster.waitForSlots(2, 120_000);
  }, 180_000);

  afterAll(async () => {
    await cluster?.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it("starts llama-server with the desired model and says which engine and address it runs", async () => {
    const agent = await waitForAgent(cluster, (candidate) => candidate.slots_total === 2, "2 slots");
    expect(agent.model_path).toBe(testModelPath);
    expect(agent.engine?.kind).toBe("LlamaServerManaged");
    expect(agent.engine?.upstream).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const messages = await readNdjson(await rawPrompt(cluster, 8));
    expect(contentText(messages).length).toBeGreaterThan(0);
  });

  it("restarts llama-server only when its launch arguments change", async () => {
    const before = await waitForAgent(cluster, (candidate) => candidate.slots_total === 2, "2 slots");
    const first = llamaServerOn(before.engine?.upstream);
    expect(first.args).toContain("--ctx-size");
    expect(first.args[first.args.indexOf("--ctx-size") + 1]).toBe("2048");

    // Sampling travels with each request: the same process keeps serving.
    const sampling = testDesiredState();
    await cluster.putDesiredState({
      ...sampling,
      inference_parameters: { ...sampling.inference_parameters, temperature: 0.7, top_k: 12 },
    });
    expect(contentText(await readNdjson(await rawPrompt(cluster, 4))).length).toBeGreaterThan(0);
    // A restart would show within moments as a new address; watch for one a while.
    for (let look = 0; look < 20; look++) {
      const agent = (await cluster.agentsSnapshot()).agents[0];
      expect(agent?.engine?.upstream).toBe(before.engine?.upstream);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(llamaServerOn(before.engine?.upstream).pid).toBe(first.pid);

    // The context is on the command line: a new process with the new --ctx-size, the old one gone.
    await cluster.putDesiredState({
      ...sampling,
      inference_parameters: { ...sampling.inference_parameters, context_size: 4096 },
    });
    const after = await waitForAgent(
      cluster,
      (candidate) =>
        candidate.engine?.upstream !== before.engine?.upstream &&
        candidate.engine?.upstream !== undefined &&
        candidate.slots_total === 2,
      "llama-server to restart",
      120_000,
    );
    const second = llamaServerOn(after.engine?.upstream);
    expect(second.pid).not.toBe(first.pid);
    expect(second.args[second.args.indexOf("--ctx-size") + 1]).toBe("4096");
    await waitFor(async () => !existsSync(`/proc/${first.pid}`), "the old llama-server to exit");
    expect(contentText(await readNdjson(await rawPrompt(cluster, 4))).length).toBeGreaterThan(0);
  });

  it("swaps the model with a request running: the request finishes, then the new model serves", async () => {
    const otherModel = join(scratch, "other-stories.gguf");
    await copyFile(testModelPath, otherModel);
    const before = await waitForAgent(cluster, (candidate) => candidate.slots_total === 2, "2 slots");
    const running = rawPrompt(cluster, 300).then(readNdjson);
    await waitFor(
      async () => (await cluster.agentsSnapshot()).agents[0]?.slots_processing === 1,
      "the request to run",
    );
    await cluster.putDesiredState(testDesiredState({ model: { LocalToAgent: otherModel } }));
    const finished = await running;
    expect(JSON.stringify(finished.at(-1))).toContain("Done");
    const after = await waitForAgent(
      cluster,
      (candidate) => candidate.model_path === otherModel && candidate.slots_total === 2,
      "the new model to serve",
      120_000,
    );
    expect(after.engine?.upstream).not.toBe(before.engine?.upstream);
    const messages = await readNdjson(await rawPrompt(cluster, 8));
    expect(contentText(messages).length).toBeGreaterThan(0);
  });
});

/** The llama-server process listening at `upstream` (http://127.0.0.1:PORT): its pid and arguments, from /proc. */
function llamaServerOn(upstream: string | null | undefined): { pid: number; args: string[] } {
  const port = upstream?.split(":").at(-1);
  if (!port) throw new Error(`no upstream address: ${upstream}`);
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let args: string[];
    try {
      args = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
    } catch {
      continue; // Exited while we looked.
    }
    const at = args.indexOf("--port");
    if (at >= 0 && args[at + 1] === port && args.includes("--slots")) return { pid: Number(entry), args };
  }
  throw new Error(`no llama-server process on port ${port}`);
}

async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function waitForBusy(server: LlamaServerProcess, count: number): Promise<void> {
  return waitFor(async () => (await server.busySlots()) >= count, `${count} busy slot(s) on llama-server`);
}

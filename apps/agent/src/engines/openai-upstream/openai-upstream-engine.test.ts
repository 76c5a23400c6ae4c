import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "@paddler/logger";
import { afterEach, describe, expect, it } from "vitest";
import { AgentStatus } from "../../agent-status.js";
import { engineChoiceFromFlags } from "../../config/engine-choice.js";
import { conformanceDesiredState, describeEngineConformance } from "../../engine/engine-conformance.js";
import { UpstreamEngine } from "../../engine/upstream-engine.js";
import { startUpstreamHost } from "../start-upstream-host.js";
import { createOpenAIUpstreamAdapter, openAIRootUrl } from "./openai-upstream-adapter.js";
import { startTestOpenAIUpstream, type TestOpenAIUpstream } from "./test-openai-upstream.js";

const logger = createLogger({ level: "error" });

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describeEngineConformance("OpenAI-compatible upstream", async () => {
  const upstream = await startTestOpenAIUpstream();
  const engine = new UpstreamEngine({
    adapter: createOpenAIUpstreamAdapter({ rootUrl: upstream.rootUrl, apiKey: null, slots: 2 }),
    slotCap: 2,
    logger,
  });
  await engine.start();
  engine.setDesiredState(conformanceDesiredState);
  return {
    engine,
    close: async () => {
      await engine[Symbol.asyncDispose]();
      await upstream.stop();
    },
  };
});

describe("OpenAI-compatible upstream engine", () => {
  let upstream: TestOpenAIUpstream | null = null;
  const closers: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await upstream?.stop();
    upstream = null;
  });

  it("keeps its slots when one probe fails on a connection the server had closed (asked again at once)", async () => {
    upstream = await startTestOpenAIUpstream();
    const adapter = createOpenAIUpstreamAdapter({ rootUrl: upstream.rootUrl, apiKey: null, slots: 2 });
    let failNext = false;
    const engine = new UpstreamEngine({
      adapter: {
        ...adapter,
        probe: (signal) => {
          if (!failNext) return adapter.probe(signal);
          failNext = false;
          return Promise.reject(new TypeError("fetch failed", { cause: new Error("other side closed") }));
        },
      },
      slotCap: 2,
      logger,
    });
    closers.push(() => engine[Symbol.asyncDispose]());
    await engine.start();
    expect(engine.slotsTotal).toBe(2);
    failNext = true;
    await engine.refresh();
    expect(failNext).toBe(false);
    expect(engine.slotsTotal).toBe(2);
    expect(engine.lastProbe.problem).toBeNull();
  });

  it("takes the server's root however the URL is written", () => {
    expect(openAIRootUrl("http://host:8000/v1/")).toBe("http://host:8000");
    expect(openAIRootUrl("http://host:8000")).toBe("http://host:8000");
    expect(openAIRootUrl("https://host/proxy/v1")).toBe("https://host/proxy");
  });

  it("sends the API key from a file; a wrong key is an issue with no slots", async () => {
    upstream = await startTestOpenAIUpstream({ apiKey: "sk-right" });
    const dir = await mkdtemp(join(tmpdir(), "paddler-key-"));
    await writeFile(join(dir, "key"), "sk-right\n");
    const choice = engineChoiceFromFlags({
      "openai-upstream": upstream.rootUrl,
      "openai-api-key-file": join(dir, "key"),
    });
    const status = new AgentStatus(3);
    const host = await startUpstreamHost({ engine: choice, slots: 3, status, logger, pollIntervalMs: 50 });
    closers.push(() => host?.close() ?? Promise.resolve());
    expect(status.fields.slots_total).toBe(3);
    expect(status.fields.engine).toEqual({
      kind: "OpenAIUpstream",
      upstream: upstream.rootUrl,
      served_models: ["test-model"],
      forward_http_version: 1,
    });

    const wrong = await startUpstreamHost({
      engine: { kind: "OpenAIUpstream", url: `${upstream.rootUrl}/v1`, apiKey: "sk-wrong" },
      slots: 3,
      status: new AgentStatus(3),
      logger,
    });
    closers.push(() => wrong?.close() ?? Promise.resolve());
    expect(wrong?.engine?.slotsTotal).toBe(0);
  });

  it("never runs more than --slots at once", async () => {
    upstream = await startTestOpenAIUpstream({ tokenDelayMs: 2 });
    const engine = new UpstreamEngine({
      adapter: createOpenAIUpstreamAdapter({ rootUrl: upstream.rootUrl, apiKey: null, slots: 2 }),
      slotCap: 2,
      logger,
    });
    await engine.start();
    closers.push(() => engine[Symbol.asyncDispose]());
    const outcomes = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const results = [];
        for await (const result of engine.continueFromRawPrompt(
          { raw_prompt: "x", max_tokens: 20 },
          new AbortController().signal,
        ))
          results.push(result);
        return results.at(-1);
      }),
    );
    expect(outcomes.filter((result) => typeof result === "object" && "Done" in result)).toHaveLength(2);
    expect(upstream.maxInFlight).toBe(2);
  });

  it("reports no slots and an issue while the server is down, and recovers when it is back", async () => {
    upstream = await startTestOpenAIUpstream();
    const status = new AgentStatus(2);
    const host = await startUpstreamHost({
      engine: { kind: "OpenAIUpstream", url: upstream.rootUrl, apiKey: null },
      slots: 2,
      status,
      logger,
      pollIntervalMs: 20,
    });
    closers.push(() => host?.close() ?? Promise.resolve());
    host?.setDesiredState(conformanceDesiredState);
    expect(status.fields.slots_total).toBe(2);
    await upstream.stop();
    await waitFor(() => status.fields.slots_total === 0, "slots to drop to 0");
    expect(status.fields.issues[0]).toHaveProperty("SlotCannotStart");
    await upstream.start();
    await waitFor(() => status.fields.slots_total === 2, "slots to come back");
    expect(status.fields.issues).toEqual([]);
    expect(status.fields.state_application_status).toBe("Applied");
  });

  it("says so when the cluster wants a model the server does not serve", async () => {
    upstream = await startTestOpenAIUpstream({ model: "served-model" });
    const status = new AgentStatus(1);
    const host = await startUpstreamHost({
      engine: { kind: "OpenAIUpstream", url: upstream.rootUrl, apiKey: null },
      slots: 1,
      status,
      logger,
    });
    closers.push(() => host?.close() ?? Promise.resolve());
    host?.setDesiredState({
      ...conformanceDesiredState,
      model: { LocalToAgent: "/models/other-model.gguf" },
    });
    expect(status.fields.issues[0]).toHaveProperty("ModelCannotBeLoaded");
    expect(JSON.stringify(status.fields.issues[0])).toContain("served-model");
    expect(status.fields.state_application_status).toBe("Stuck");
    host?.setDesiredState({
      ...conformanceDesiredState,
      model: { LocalToAgent: "/models/served-model.gguf" },
    });
    expect(status.fields.issues).toEqual([]);
    expect(status.fields.state_application_status).toBe("Applied");
  });

  it("says the cluster's chat template override is not applied, instead of pretending", async () => {
    upstream = await startTestOpenAIUpstream();
    const status = new AgentStatus(1);
    const host = await startUpstreamHost({
      engine: { kind: "OpenAIUpstream", url: upstream.rootUrl, apiKey: null },
      slots: 1,
      status,
      logger,
    });
    closers.push(() => host?.close() ?? Promise.resolve());
    host?.setDesiredState({ ...conformanceDesiredState, chat_template_override: { content: "{{ x }}" } });
    expect(status.fields.uses_chat_template_override).toBe(false);
    expect(status.fields.warnings).toEqual([
      `the cluster's chat template override is not applied: ${upstream.rootUrl} formats conversations with its own template`,
    ]);
    // Still serving: a template it cannot apply is no reason to refuse requests.
    expect(status.fields.state_application_status).toBe("Applied");
    host?.setDesiredState(conformanceDesiredState);
    expect(status.fields.warnings).toEqual([]);
  });

  it("forwards a request as it came and streams the reply back byte for byte", async () => {
    upstream = await startTestOpenAIUpstream();
    const engine = new UpstreamEngine({
      adapter: createOpenAIUpstreamAdapter({ rootUrl: upstream.rootUrl, apiKey: null, slots: 1 }),
      slotCap: 1,
      logger,
    });
    await engine.start();
    closers.push(() => engine[Symbol.asyncDispose]());
    const body = JSON.stringify({
      model: "test-model",
      messages: [{ role: "user", content: "hi" }],
      max_tokens: 4,
      stream: true,
    });
    const direct = Buffer.from(
      await (
        await fetch(`${upstream.rootUrl}/v1/chat/completions`, {
          method: "POST",
          body,
          headers: { "content-type": "application/json" },
        })
      ).arrayBuffer(),
    );
    const chunks: Buffer[] = [];
    let status = 0;
    let last: unknown = null;
    for await (const event of engine.forwardHttp(
      {
        version: 1,
        method: "POST",
        path: "/v1/chat/completions",
        headers: { "content-type": "application/json", authorization: "Bearer client-key" },
        body_base64: Buffer.from(body).toString("base64"),
      },
      new AbortController().signal,
    )) {
      if (typeof event === "object" && "Head" in event) status = event.Head.status;
      if (typeof event === "object" && "Chunk" in event) chunks.push(Buffer.from(event.Chunk, "base64"));
      last = event;
    }
    expect(status).toBe(200);
    expect(last).toBe("End");
    expect(Buffer.concat(chunks).equals(direct)).toBe(true);
    expect(upstream.bodies.at(-1)).toEqual(JSON.parse(body));
  });
});

import { silentLogger } from "@paddler/logger";
import { type AgentDesiredState, defaultInferenceParameters } from "@paddler/protocol";
import { describe, expect, it } from "vitest";
import { AgentStatus } from "./agent-status.js";
import type { InferenceEngine, InferenceEngineFactory } from "./engine/inference-engine.js";
import { type DrainableRequests, Reconciler } from "./reconciler.js";

const state = (contextSize: number): AgentDesiredState => ({
  chat_template_override: null,
  inference_parameters: { ...defaultInferenceParameters, context_size: contextSize },
  model: { LocalToAgent: "/models/test.gguf" },
  multimodal_projection: "None",
});

/** An engine whose busy slots are set by the test; `stuck` keeps one busy whatever happens (a leaked sequence). */
function fakeEngine(slots: number, options: { disposeHangs?: boolean } = {}) {
  const engine = {
    busy: 0,
    disposed: false,
    slotsTotal: slots,
    get slotsProcessing() {
      return engine.busy;
    },
    continueFromConversationHistory: () => (async function* () {})(),
    continueFromRawPrompt: () => (async function* () {})(),
    generateEmbeddingBatch: () => (async function* () {})(),
    getModelMetadata: () => ({}),
    getChatTemplateOverride: () => null,
    async [Symbol.asyncDispose]() {
      engine.disposed = true;
      if (options.disposeHangs) await new Promise(() => {});
    },
  };
  return engine;
}

function setup(options: { drainTimeoutMs: number; disposeHangs?: boolean }) {
  const status = new AgentStatus(2);
  const engines: ReturnType<typeof fakeEngine>[] = [];
  const factory: InferenceEngineFactory = {
    async load({ slots }) {
      const engine = fakeEngine(slots, { disposeHangs: options.disposeHangs === true });
      engines.push(engine);
      return engine as unknown as InferenceEngine;
    },
  };
  const cancelled: string[] = [];
  const requests: DrainableRequests & { ids: string[] } = {
    ids: [],
    get running() {
      return requests.ids.length;
    },
    runningIds: () => [...requests.ids],
    cancelAll: (reason) => {
      cancelled.push(reason);
      requests.ids = [];
    },
  };
  const drains: unknown[] = [];
  status.subscribe(() => drains.push(status.slotsReport().drain));
  const reconciler = new Reconciler({
    status,
    engineFactory: factory,
    resolveModel: async (model) =>
      typeof model === "object" && "LocalToAgent" in model ? model.LocalToAgent : null,
    slots: 2,
    threads: 1,
    logger: silentLogger(),
    requests,
    drainTimeoutMs: options.drainTimeoutMs,
    cancelGraceMs: 200,
    disposeTimeoutMs: 200,
  });
  return { status, engines, requests, cancelled, drains, reconciler };
}

async function waitUntil(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("Reconciler drains", () => {
  it("cancels what still runs at the drain deadline, with an in-band reason, and reloads", async () => {
    const { status, engines, requests, cancelled, drains, reconciler } = setup({ drainTimeoutMs: 300 });
    reconciler.setDesiredState(state(4096));
    await waitUntil(() => engines.length === 1 && status.fields.state_application_status === "Applied");
    requests.ids = ["long-1", "long-2"];
    reconciler.setDesiredState(state(2048));
    await waitUntil(() => engines.length === 2 && status.fields.state_application_status === "Applied");
    expect(cancelled).toEqual(["the agent reloads its model and the drain deadline of 300 ms passed"]);
    expect(engines[0]?.disposed).toBe(true);
    expect(status.fields.slots_total).toBe(2);
    // The drain was reported while it lasted, then cleared.
    expect(drains).toContainEqual(expect.objectContaining({ slots_busy: 2 }));
    expect(status.slotsReport().drain).toBeNull();
  });

  it("finishes the reload even when the engine never frees a sequence and never finishes disposing", async () => {
    const { status, engines, reconciler } = setup({ drainTimeoutMs: 100, disposeHangs: true });
    reconciler.setDesiredState(state(4096));
    await waitUntil(() => engines.length === 1 && status.fields.state_application_status === "Applied");
    const first = engines[0];
    if (!first) throw new Error("no engine");
    // A sequence the engine lost track of: busy for good, whatever is cancelled.
    first.busy = 1;
    reconciler.setDesiredState(state(2048));
    await waitUntil(() => status.fields.state_application_status === "Fresh");
    await waitUntil(() => engines.length === 2 && status.fields.state_application_status === "Applied");
    expect(status.fields.slots_total).toBe(2);
  });

  it("never reports Applied for a state it has not applied", async () => {
    const { status, engines, requests, reconciler } = setup({ drainTimeoutMs: 60_000 });
    reconciler.setDesiredState(state(4096));
    await waitUntil(() => engines.length === 1 && status.fields.state_application_status === "Applied");
    requests.ids = ["busy"];
    let appliedBeforeLoad = false;
    status.subscribe(() => {
      if (engines.length < 2 && status.fields.state_application_status === "Applied")
        appliedBeforeLoad = true;
    });
    reconciler.setDesiredState(state(2048));
    await waitUntil(() => status.slotsReport().drain !== null);
    expect(status.fields.state_application_status).toBe("Fresh");
    expect(status.fields.slots_total).toBe(0);
    requests.ids = [];
    await waitUntil(() => engines.length === 2 && status.fields.state_application_status === "Applied");
    expect(appliedBeforeLoad).toBe(false);
    await reconciler.close();
  });
});

describe("Reconciler reloads", () => {
  it("asks an engine that has its own split (managed llama-server) which changes need a reload", async () => {
    const status = new AgentStatus(2);
    const loads: AgentDesiredState[] = [];
    const runtime: AgentDesiredState[] = [];
    const factory: InferenceEngineFactory = {
      async load({ slots, desiredState }) {
        loads.push(desiredState);
        return {
          ...fakeEngine(slots),
          updateRuntimeState: (next: AgentDesiredState) => runtime.push(next),
          // Like llama-server: the template is on its command line, sampling is not.
          needsReload: (current: AgentDesiredState, next: AgentDesiredState) =>
            JSON.stringify(current.chat_template_override) !== JSON.stringify(next.chat_template_override),
        } as unknown as InferenceEngine;
      },
    };
    const reconciler = new Reconciler({
      status,
      engineFactory: factory,
      resolveModel: async (model) =>
        typeof model === "object" && "LocalToAgent" in model ? model.LocalToAgent : null,
      slots: 2,
      threads: 1,
      logger: silentLogger(),
      requests: { running: 0, runningIds: () => [], cancelAll: () => {} },
    });
    const first = state(4096);
    reconciler.setDesiredState(first);
    await waitUntil(() => loads.length === 1 && status.fields.state_application_status === "Applied");
    const warmer = { ...first, inference_parameters: { ...first.inference_parameters, temperature: 0.2 } };
    reconciler.setDesiredState(warmer);
    await waitUntil(() => runtime.length === 1);
    expect(loads).toHaveLength(1);
    reconciler.setDesiredState({ ...warmer, chat_template_override: { content: "{{ messages }}" } });
    await waitUntil(() => loads.length === 2 && status.fields.state_application_status === "Applied");
    expect(runtime).toHaveLength(1);
    expect(status.fields.uses_chat_template_override).toBe(true);
    await reconciler.close();
  });
});

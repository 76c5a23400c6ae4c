import { type AgentsResponse, type PaddlerClient, PaddlerError } from "@paddler/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { waitUntil } from "../ndjson.js";
import { startTestCluster, type TestCluster, testDesiredState } from "../test-cluster.js";
import { simpleChatTemplate, testModelPath } from "../test-model.js";
import {
  clientFor,
  expectPaddlerError,
  iterateUntilError,
  longStory,
  nextMatching,
} from "./client-helpers.js";

describe("@paddler/client management calls, against a real cluster", () => {
  let cluster: TestCluster;
  let paddler: PaddlerClient;
  let agentId: string;
  beforeAll(async () => {
    cluster = await startTestCluster({ agents: [{ slots: 2, name: "managed" }] });
    const { agents } = await cluster.waitForSlots(2);
    agentId = agents[0]?.id ?? "";
    paddler = clientFor(cluster);
  });
  afterAll(async () => {
    paddler?.close();
    await cluster?.close();
  });

  it("health", async () => {
    expect(await paddler.management.health()).toBe("OK");
  });

  it("agents lists the running agent with its slots", async () => {
    const { agents } = await paddler.management.agents();
    expect(agents).toHaveLength(1);
    expect(agents[0]).toMatchObject({ id: agentId, name: "managed", slots_total: 2, slots_processing: 0 });
  });

  it("getBalancerDesiredState returns what was stored, and putBalancerDesiredState replaces it", async () => {
    const stored = await paddler.management.getBalancerDesiredState();
    expect(stored).toEqual(testDesiredState());

    const changed = testDesiredState({
      inference_parameters: { ...stored.inference_parameters, temperature: 0.5 },
    });
    await expect(paddler.management.putBalancerDesiredState(changed)).resolves.toBeUndefined();
    expect(await paddler.management.getBalancerDesiredState()).toEqual(changed);
    const applicable = await paddler.management.getBalancerApplicableState();
    expect(applicable?.inference_parameters.temperature).toBe(0.5);

    await paddler.management.putBalancerDesiredState(stored);
    expect(await paddler.management.getBalancerDesiredState()).toEqual(stored);
    // Each change reloads the agent's model; let it come back before the next test.
    await waitUntil(async () => {
      const { agents } = await paddler.management.agents();
      return agents[0]?.slots_total === 2 && agents[0]?.state_application_status === "Applied";
    });
  });

  it("putBalancerDesiredState refuses an invalid state before sending it", async () => {
    const invalid = { ...testDesiredState(), unknown_key: true } as unknown as Parameters<
      PaddlerClient["management"]["putBalancerDesiredState"]
    >[0];
    await expect(paddler.management.putBalancerDesiredState(invalid)).rejects.toMatchObject({
      name: "PaddlerError",
      code: "invalid_request",
    });
    expect(await paddler.management.getBalancerDesiredState()).toEqual(testDesiredState());
  });

  it("getBalancerApplicableState resolves the chat template override for agents", async () => {
    const applicable = await paddler.management.getBalancerApplicableState();
    expect(applicable).not.toBeNull();
    expect(applicable?.model).toEqual({ LocalToAgent: testModelPath });
    expect(applicable?.chat_template_override).toEqual({ content: simpleChatTemplate });
    expect(applicable?.inference_parameters.k_cache_dtype).toBe("F16");
  });

  it("modelMetadata(agentId) returns the agent's GGUF metadata", async () => {
    let metadata = await paddler.management.modelMetadata(agentId);
    await waitUntil(async () => {
      metadata = await paddler.management.modelMetadata(agentId);
      return metadata !== null;
    });
    expect(metadata?.metadata["general.architecture"]).toBe("llama");
  });

  it("chatTemplateOverride(agentId) returns the override the agent uses", async () => {
    // The agent reports it once it has applied the state: poll past a reload.
    let override = await paddler.management.chatTemplateOverride(agentId);
    await waitUntil(async () => {
      override = await paddler.management.chatTemplateOverride(agentId);
      return override !== null;
    });
    expect(override).toEqual({ content: simpleChatTemplate });
  });

  it("per-agent calls for an unknown agent fail with a typed 404", async () => {
    let caught: unknown;
    try {
      await paddler.management.modelMetadata("no-such-agent");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PaddlerError);
    const error = expectPaddlerError(caught, "http_error");
    expect(error.status).toBe(404);
    expect(error.url).toContain("/api/v1/agent/no-such-agent/model_metadata");
  });

  it("metrics returns Prometheus text with the slot gauges", async () => {
    let text = "";
    await waitUntil(async () => {
      text = await paddler.management.metrics();
      return /^paddler_slots_total 2$/m.test(text);
    });
    expect(text).toMatch(/^# TYPE paddler_slots_total gauge$/m);
    expect(text).toMatch(/^paddler_slots_processing 0$/m);
    expect(text).toMatch(/^paddler_requests_buffered 0$/m);
  });

  it("agentsStream yields snapshots live: an agent that joins shows up while iterating", async () => {
    const live = new AbortController();
    const iterator = paddler.management.agentsStream({ signal: live.signal })[Symbol.asyncIterator]();
    const first = await nextMatching(iterator, () => true);
    expect(first.agents.map((agent) => agent.name)).toEqual(["managed"]);

    await cluster.addAgent({ slots: 1, name: "joiner" });
    const joined = await nextMatching(iterator, (snapshot: AgentsResponse) =>
      snapshot.agents.some((agent) => agent.name === "joiner" && agent.slots_total === 1),
    );
    expect(joined.agents.map((agent) => agent.name).sort()).toEqual(["joiner", "managed"]);

    // Aborting ends the stream quietly.
    live.abort();
    await expect(drain(iterator)).resolves.toBeUndefined();
  });
});

describe("@paddler/client buffered requests, against a real cluster with one busy slot", () => {
  let cluster: TestCluster;
  let paddler: PaddlerClient;
  beforeAll(async () => {
    cluster = await startTestCluster({ agents: [{ slots: 1, name: "single-slot" }] });
    await cluster.waitForSlots(1);
    paddler = clientFor(cluster);
  });
  afterAll(async () => {
    paddler?.close();
    await cluster?.close();
  });

  it("bufferedRequests and bufferedRequestsStream see the count go up while requests wait, then back to 0", async () => {
    expect(await paddler.management.bufferedRequests()).toEqual({ buffered_requests_current: 0 });
    const live = new AbortController();
    const counts: number[] = [];
    const iterator = paddler.management
      .bufferedRequestsStream({ signal: live.signal })
      [Symbol.asyncIterator]();
    expect((await nextMatching(iterator, () => true)).buffered_requests_current).toBe(0);

    // One long generation holds the only slot...
    const requests = new AbortController();
    let busy!: () => void;
    const slotBusy = new Promise<void>((resolve) => {
      busy = resolve;
    });
    const long = iterateUntilError(
      paddler.inference.continueFromRawPrompt(longStory, { signal: requests.signal }),
      1,
      () => busy(),
    );
    await slotBusy;
    // ...so two more wait in the buffer.
    const waiting = [0, 1].map((index) =>
      paddler.inference
        .continueFromRawPrompt({ raw_prompt: `Waiting ${index}`, max_tokens: 5 }, { signal: requests.signal })
        .text()
        .catch((error: unknown) => error),
    );
    const two = await nextMatching(iterator, ({ buffered_requests_current }) => {
      counts.push(buffered_requests_current);
      return buffered_requests_current === 2;
    });
    expect(two.buffered_requests_current).toBe(2);
    expect(await paddler.management.bufferedRequests()).toEqual({ buffered_requests_current: 2 });
    expect(await paddler.management.metrics()).toMatch(/^paddler_requests_buffered 2$/m);

    // Cancel everything: the buffer empties and the slot frees.
    requests.abort();
    expectPaddlerError((await long).error, "aborted");
    for (const outcome of await Promise.all(waiting)) expectPaddlerError(outcome, "aborted");
    await nextMatching(iterator, ({ buffered_requests_current }) => buffered_requests_current === 0);
    await waitUntil(
      async () => (await paddler.management.bufferedRequests()).buffered_requests_current === 0,
    );
    await waitUntil(async () => (await paddler.management.agents()).agents[0]?.slots_processing === 0);
    expect(counts.every((count) => count <= 2)).toBe(true);
    live.abort();
    await drain(iterator);
  });
});

async function drain<T>(iterator: AsyncIterator<T>): Promise<void> {
  for (;;) if ((await iterator.next()).done) return;
}

import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { postJson, waitUntil } from "./ndjson.js";
import { startTestCluster, type TestCluster, testDesiredState } from "./test-cluster.js";

// Every way a request can end early must give the engine its sequence back: checked on the
// agent's engine itself, on the agent's report and on the balancer's own count.

async function expectAllFree(cluster: TestCluster): Promise<void> {
  await waitUntil(async () => {
    const balancerBusy = (await cluster.agentsSnapshot()).agents.some((agent) => agent.slots_processing > 0);
    const agentBusy = cluster.agents.some((agent) => {
      const slots = agent.slots();
      return slots.running.length > 0 || (slots.engine?.slotsProcessing ?? 0) > 0;
    });
    return !balancerBusy && !agentBusy;
  }, 45_000);
}

/** Waits until the engine itself runs a request (its sequence is claimed). */
async function engineBusy(cluster: TestCluster): Promise<void> {
  await waitUntil(() => cluster.agents.some((agent) => (agent.slots().engine?.slotsProcessing ?? 0) > 0));
}

const long = { raw_prompt: "Once upon a time", max_tokens: 4000 };

describe("every cancel path frees the engine's sequence", () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startTestCluster({ desiredState: null });
    await cluster.putDesiredState(testDesiredState());
    // The grace is short because the tiny model fills its 512-token context in about half a
    // second: a longer grace let the request end on its own before the shutdown cut it.
    await cluster.addAgent({ slots: 2, drainTimeoutMs: 1000, shutdownGraceMs: 50 });
    await cluster.waitForSlots(2);
  });
  afterAll(() => cluster.close());

  it("HTTP disconnect", async () => {
    const abort = new AbortController();
    const response = await postJson(
      `${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`,
      long,
      abort.signal,
    );
    await response.body?.getReader().read();
    await engineBusy(cluster);
    abort.abort();
    await expectAllFree(cluster);
  });

  it("half-closed TCP (the client sends FIN and stops reading)", async () => {
    const { hostname, port } = new URL(cluster.inferenceUrl);
    const socket = connect(Number(port), hostname);
    await new Promise((resolve) => socket.once("connect", resolve));
    const body = JSON.stringify({ ...long, max_tokens: 300 });
    socket.write(
      `POST /api/v1/continue_from_raw_prompt HTTP/1.1\r\nHost: ${hostname}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    await new Promise((resolve) => socket.once("data", resolve));
    await engineBusy(cluster);
    socket.end();
    await expectAllFree(cluster);
    socket.destroy();
  });

  it("StopRespondingTo over the inference socket, and a socket closed mid-request", async () => {
    const url = `${cluster.inferenceUrl.replace("http", "ws")}/api/v1/inference_socket`;
    const socket = new WebSocket(url);
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
    let frames = 0;
    socket.on("message", () => frames++);
    const request = (id: string) =>
      JSON.stringify({ Request: { id, request: { ContinueFromRawPrompt: long } } });
    socket.send(request("stop-me"));
    await waitUntil(() => frames > 0);
    socket.send(JSON.stringify({ Notification: { StopRespondingTo: "stop-me" } }));
    await expectAllFree(cluster);
    socket.send(request("cut-me"));
    await engineBusy(cluster);
    socket.terminate();
    await expectAllFree(cluster);
  });

  it("max_tokens 0, and requests that end before their first token", async () => {
    const zero = await postJson(`${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`, {
      raw_prompt: "Lily",
      max_tokens: 0,
    });
    expect(await zero.text()).toContain("Done");
    // A prompt too long for the slot ends with an error before any token.
    const tooLong = await postJson(`${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`, {
      raw_prompt: "Once upon a time ".repeat(600),
      max_tokens: 5,
    });
    expect(await tooLong.text()).toContain("does not fit");
    // Clients that leave right after sending, at several moments before the first token.
    for (const delayMs of [0, 1, 5, 20]) {
      const abort = new AbortController();
      const pending = postJson(
        `${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`,
        long,
        abort.signal,
      ).catch(() => null);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
      abort.abort();
      await pending;
    }
    await expectAllFree(cluster);
  });

  it("drain deadline: a reload cancels what still runs with an in-band error, then loads", async () => {
    const response = await postJson(`${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`, {
      raw_prompt: "Once upon a time",
      max_tokens: -1,
    });
    const text = response.text();
    await engineBusy(cluster);
    const reloaded = testDesiredState();
    reloaded.inference_parameters = { ...reloaded.inference_parameters, context_size: 1024 };
    await cluster.putDesiredState(reloaded);
    const body = await text;
    expect(body).toContain("Request cancelled by the agent: the agent reloads its model");
    await waitUntil(() => cluster.agents[0]?.status.fields.state_application_status === "Applied", 60_000);
    await cluster.waitForSlots(2);
    await expectAllFree(cluster);
  });

  it("shutdown: what outlives the grace period ends with an in-band error", async () => {
    const response = await postJson(`${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`, long);
    const text = response.text();
    await engineBusy(cluster);
    const agent = cluster.agents[0];
    const closed = agent?.close();
    expect(await text).toContain("Request cancelled by the agent: the agent is shutting down");
    await closed;
    expect(agent?.slots().running).toEqual([]);
    expect(agent?.slots().engine).toBeNull();
  });
});

describe("item timeout frees the engine's sequence", () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    // An item timeout so short that the prompt alone outlasts it.
    cluster = await startTestCluster({ balancer: { inferenceItemTimeoutMs: 1 }, agents: [{ slots: 1 }] });
    await cluster.waitForSlots(1);
  });
  afterAll(() => cluster.close());

  it("answers 504 in-band, stops the request on the agent and frees the slot", async () => {
    const response = await postJson(`${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`, long);
    expect(await response.text()).toContain("504");
    await expectAllFree(cluster);
  });
});

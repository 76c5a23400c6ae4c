import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { postJson, waitUntil } from "./ndjson.js";
import { startTestCluster, type TestCluster } from "./test-cluster.js";

describe("cancelling requests on a real agent", () => {
  let cluster: TestCluster;
  const slotsProcessing = async () =>
    (await cluster.agentsSnapshot()).agents.reduce((sum, agent) => sum + agent.slots_processing, 0);
  beforeAll(async () => {
    cluster = await startTestCluster({ agents: [{ slots: 1 }] });
    await cluster.waitForSlots(1);
  });
  afterAll(() => cluster.close());

  it("stops generation and frees the slot when the HTTP client disconnects", async () => {
    const abort = new AbortController();
    const response = await postJson(
      `${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`,
      { raw_prompt: "Once upon a time", max_tokens: 1500 },
      abort.signal,
    );
    await response.body?.getReader().read();
    expect(await slotsProcessing()).toBe(1);
    abort.abort();
    await waitUntil(async () => (await slotsProcessing()) === 0);
    expect((await cluster.agentsSnapshot()).agents[0]?.slots_processing).toBe(0);
  });

  it("stops generation and frees the slot on StopRespondingTo over the inference socket", async () => {
    const socket = new WebSocket(`${cluster.inferenceUrl.replace("http", "ws")}/api/v1/inference_socket`);
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
    const frames: string[] = [];
    socket.on("message", (data) => frames.push(String(data)));
    socket.send(
      JSON.stringify({
        Request: {
          id: "story-1",
          request: { ContinueFromRawPrompt: { raw_prompt: "Once upon a time", max_tokens: 1500 } },
        },
      }),
    );
    await waitUntil(() => frames.length > 0);
    expect(JSON.parse(frames[0] ?? "{}")).toMatchObject({ Response: { request_id: "story-1" } });
    socket.send(JSON.stringify({ Notification: { StopRespondingTo: "story-1" } }));
    await waitUntil(async () => (await slotsProcessing()) === 0);
    const countAfterStop = frames.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(frames.length).toBe(countAfterStop);
    socket.close();
  });

  it("multiplexes requests by client id over one socket and refuses a duplicate in-flight id", async () => {
    const socket = new WebSocket(`${cluster.inferenceUrl.replace("http", "ws")}/api/v1/inference_socket`);
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
    const frames: {
      Response?: { request_id: string; response: unknown };
      Error?: { request_id: string; error: { code: number } };
    }[] = [];
    socket.on("message", (data) => frames.push(JSON.parse(String(data))));
    const request = (id: string) =>
      JSON.stringify({
        Request: { id, request: { ContinueFromRawPrompt: { raw_prompt: "Lily", max_tokens: 8 } } },
      });
    socket.send(request("a"));
    socket.send(request("a"));
    socket.send(request("b"));
    const done = (id: string) =>
      frames.some(
        (frame) =>
          frame.Response?.request_id === id && JSON.stringify(frame.Response.response).includes("Done"),
      );
    await waitUntil(() => done("a") && done("b"));
    expect(frames.some((frame) => frame.Error?.request_id === "a" && frame.Error.error.code === 400)).toBe(
      true,
    );
    socket.close();
  });
});

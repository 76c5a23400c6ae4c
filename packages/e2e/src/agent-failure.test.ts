import { afterEach, describe, expect, it } from "vitest";
import { type AgentProcess, spawnAgentProcess } from "./agent-process.js";
import { postJson, readNdjson, waitUntil } from "./ndjson.js";
import { startTestCluster, type TestCluster } from "./test-cluster.js";

let cluster: TestCluster | null = null;
const processes: AgentProcess[] = [];

afterEach(async () => {
  for (const agent of processes.splice(0)) {
    agent.kill("SIGKILL");
    await agent.exited;
  }
  await cluster?.close();
  cluster = null;
});

async function waitForAgentReady(current: TestCluster, id: string) {
  await waitUntil(async () =>
    (await current.agentsSnapshot()).agents.some((agent) => agent.id === id && agent.slots_total > 0),
  );
}

describe("an agent killed mid-request (a real process, SIGKILL)", () => {
  it("before the first token: the request goes to another agent instead of failing", async () => {
    cluster = await startTestCluster();
    const managementAddress = cluster.balancer.addresses.management ?? "";
    const doomed = spawnAgentProcess({ managementAddress, slots: 1, name: "doomed", id: "doomed" });
    processes.push(doomed);
    await waitForAgentReady(cluster, "doomed");
    // Freeze it so it holds the request without answering, like a machine that just died.
    doomed.kill("SIGSTOP");
    const pending = postJson(`${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`, {
      raw_prompt: "Once upon a time",
      max_tokens: 10,
    }).then(readNdjson);
    const current = cluster;
    await waitUntil(async () => (await current.agentsSnapshot()).agents[0]?.slots_processing === 1);
    const survivor = spawnAgentProcess({ managementAddress, slots: 1, name: "survivor", id: "survivor" });
    processes.push(survivor);
    await waitForAgentReady(cluster, "survivor");
    doomed.kill("SIGKILL");
    const messages = await pending;
    expect(messages.at(-1)).toMatchObject({
      Response: { generated_by: "survivor", response: { GeneratedToken: { Done: {} } } },
    });
    await waitUntil(async () => (await current.agentsSnapshot()).agents.length === 1);
    expect((await cluster.agentsSnapshot()).agents[0]).toMatchObject({ id: "survivor", slots_processing: 0 });
  });

  it("after the first token: the client gets Paddler's in-band 502 and no slot stays busy", async () => {
    cluster = await startTestCluster();
    const managementAddress = cluster.balancer.addresses.management ?? "";
    const doomed = spawnAgentProcess({ managementAddress, slots: 1, name: "doomed", id: "doomed2" });
    processes.push(doomed);
    await waitForAgentReady(cluster, "doomed2");
    const response = await postJson(`${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`, {
      raw_prompt: "Once upon a time",
      max_tokens: 1500,
    });
    const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
    let text = (await reader?.read())?.value ?? "";
    doomed.kill("SIGSTOP");
    doomed.kill("SIGKILL");
    for (;;) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) break;
      text += chunk.value;
    }
    const lines = text.split("\n").filter(Boolean);
    expect(lines[0]).toContain("ContentToken");
    expect(JSON.parse(lines.at(-1) ?? "{}")).toEqual({
      Error: {
        request_id: expect.any(String),
        error: { code: 502, description: "Agent controller connection closed" },
      },
    });
    const current = cluster;
    await waitUntil(async () => (await current.agentsSnapshot()).agents.length === 0);
    const metrics = await (await fetch(`${cluster.managementUrl}/metrics`)).text();
    expect(metrics).toContain("paddler_slots_processing 0");
  });
});

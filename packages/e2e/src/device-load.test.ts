import { cpus, totalmem } from "node:os";
import type { AgentControllerSnapshot } from "@paddler/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clientFor } from "./client/client-helpers.js";
import { contentText, postJson, readNdjson } from "./ndjson.js";
import { startTestCluster, type TestCluster } from "./test-cluster.js";

/** A real agent on llama.cpp's CPU backend reports its device; the balancer shows and exports it. */
describe("device load, from a real agent to the management API and /metrics", () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startTestCluster();
    await cluster.addAgent({ slots: 2, name: "device-agent", deviceLoad: { intervalMs: 200 } });
    await cluster.waitForSlots(2);
  }, 120_000);
  afterAll(() => cluster?.close());

  const deviceOf = async (): Promise<AgentControllerSnapshot["device"]> =>
    (await cluster.agentsSnapshot()).agents.find((agent) => agent.name === "device-agent")?.device;

  it("reports the CPU backend with the CPU's name, system memory and the process's utilisation", async () => {
    // Work for the CPU, so utilisation has something to measure.
    const messages = await readNdjson(
      await postJson(`${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`, {
        raw_prompt: "Once upon a time",
        max_tokens: 40,
      }),
    );
    expect(contentText(messages).length).toBeGreaterThan(0);
    await expect.poll(async () => (await deviceOf())?.devices[0]?.utilization_percent ?? null).not.toBeNull();
    const device = await deviceOf();
    expect(device?.backend).toBe("CPU");
    expect(device?.devices).toHaveLength(1);
    const [cpu] = device?.devices ?? [];
    expect(cpu?.name).toContain(cpus()[0]?.model.trim() ?? "CPU");
    expect(cpu?.memory_total_bytes).toBe(totalmem());
    expect(cpu?.memory_used_bytes).toBeGreaterThan(0);
    expect(cpu?.memory_used_bytes).toBeLessThanOrEqual(totalmem());
    expect(cpu?.utilization_percent).toBeGreaterThanOrEqual(0);
    expect(cpu?.utilization_percent).toBeLessThanOrEqual(100);
  });

  it("passes @paddler/client's schema for the agents list", async () => {
    const paddler = clientFor(cluster);
    try {
      const { agents } = await paddler.management.agents();
      expect(agents.find((agent) => agent.name === "device-agent")?.device?.backend).toBe("CPU");
    } finally {
      paddler.close();
    }
  });

  it("exports the load as Prometheus gauges per agent and device", async () => {
    const text = await (await fetch(`${cluster.managementUrl}/metrics`)).text();
    const device = (await deviceOf())?.devices[0];
    const labels = `agent="device-agent",pool="default",backend="CPU",device="${device?.name}",index="0"`;
    expect(text).toContain("# TYPE paddler_agent_device_memory_used_bytes gauge");
    expect(text).toContain(`paddler_agent_device_memory_total_bytes{${labels}} ${totalmem()}`);
    expect(text).toMatch(
      new RegExp(`paddler_agent_device_memory_used_bytes\\{${escapeRegExp(labels)}\\} \\d+`),
    );
    expect(text).toMatch(
      new RegExp(`paddler_agent_device_utilization_percent\\{${escapeRegExp(labels)}\\} [\\d.]+`),
    );
  });

  it("drops an agent's series when it leaves", async () => {
    const agent = cluster.agents.pop();
    await agent?.close();
    const series = 'paddler_agent_device_memory_total_bytes{agent="device-agent"';
    await expect
      .poll(async () => (await (await fetch(`${cluster.managementUrl}/metrics`)).text()).includes(series))
      .toBe(false);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

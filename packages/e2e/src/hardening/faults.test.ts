import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningBalancer, startBalancer } from "@paddler/balancer";
import { silentLogger } from "@paddler/logger";
import { type InferenceClientMessage, inferenceClientMessageSchema } from "@paddler/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { type AgentProcess, spawnAgentProcess } from "../agent-process.js";
import { postJson, waitUntil } from "../ndjson.js";
import { startTestCluster, type TestCluster } from "../test-cluster.js";
import { metricValue, scrapeMetrics } from "./scrape-metrics.js";

let cluster: TestCluster | null = null;
let restarted: RunningBalancer | null = null;
const processes: AgentProcess[] = [];

afterEach(async () => {
  for (const agent of processes.splice(0)) {
    agent.kill("SIGKILL");
    await agent.exited;
  }
  await cluster?.close();
  await restarted?.close({ gracePeriodMs: 0 });
  cluster = null;
  restarted = null;
});

type Outcome =
  | { kind: "done"; by: string | null }
  | { kind: "error"; code: number }
  | { kind: "refused" }
  | { kind: "truncated" };

/** Runs one generation to its end and says how it ended, from the client's side. */
async function generate(inferenceUrl: string, maxTokens: number): Promise<Outcome> {
  let text: string;
  try {
    const response = await postJson(`${inferenceUrl}/api/v1/continue_from_raw_prompt`, {
      raw_prompt: "Once upon a time",
      max_tokens: maxTokens,
    });
    if (response.status !== 200) return { kind: "error", code: response.status };
    text = await response.text();
  } catch {
    // Nobody listening (the balancer is restarting) or the connection cut: a clear error for a client.
    return { kind: "refused" };
  }
  const last = text.split("\n").filter(Boolean).at(-1);
  const message: InferenceClientMessage | undefined = last
    ? inferenceClientMessageSchema.parse(JSON.parse(last))
    : undefined;
  if (message && "Error" in message) return { kind: "error", code: message.Error.error.code };
  if (message && "Response" in message && JSON.stringify(message.Response.response).includes('"Done"'))
    return { kind: "done", by: message.Response.generated_by };
  return { kind: "truncated" };
}

describe("faults under load", () => {
  it("an agent killed with SIGKILL mid-stream: every client gets a reply or a clear 502, no slot stays busy", async () => {
    cluster = await startTestCluster();
    const managementAddress = cluster.balancer.addresses.management ?? "";
    const doomed = spawnAgentProcess({ managementAddress, slots: 2, name: "doomed", id: "doomed-load" });
    const survivor = spawnAgentProcess({
      managementAddress,
      slots: 2,
      name: "survivor",
      id: "survivor-load",
    });
    processes.push(doomed, survivor);
    await cluster.waitForSlots(4, 60_000);
    const current = cluster;
    const clients = Array.from({ length: 8 }, () => generate(current.inferenceUrl, 300));
    await waitUntil(async () =>
      (await current.agentsSnapshot()).agents.some(
        (agent) => agent.id === "doomed-load" && agent.slots_processing > 0,
      ),
    );
    doomed.kill("SIGKILL");
    const outcomes = await Promise.all(clients);
    for (const outcome of outcomes) {
      expect(["done", "error"]).toContain(outcome.kind);
      if (outcome.kind === "error") expect(outcome.code).toBe(502);
    }
    // Requests still buffered when it died ran on the survivor.
    expect(outcomes.some((outcome) => outcome.kind === "done" && outcome.by === "survivor")).toBe(true);
    await waitUntil(async () => (await current.agentsSnapshot()).agents.length === 1);
    await waitUntil(
      async () => metricValue(await scrapeMetrics(current.managementUrl), "paddler_slots_processing") === 0,
    );
    expect(await generate(current.inferenceUrl, 5)).toEqual({ kind: "done", by: "survivor" });
  });

  it("a balancer restarted under load with a file state: clients get replies or clear errors, agents come back by themselves", async () => {
    const stateDatabase = `file://${join(await mkdtemp(join(tmpdir(), "paddler-restart-load-")), "state.json")}`;
    cluster = await startTestCluster({
      balancer: { stateDatabase },
      agents: [{ slots: 2, name: "steadfast" }],
    });
    await cluster.waitForSlots(2);
    const current = cluster;
    const addresses = { ...current.balancer.addresses };
    const addr = (address: string | undefined) => {
      const [host = "127.0.0.1", port = "0"] = (address ?? "").split(":");
      return { host, port: Number(port) };
    };
    let stop = false;
    const outcomes: Outcome[] = [];
    const loops = Array.from({ length: 4 }, async () => {
      while (!stop) {
        const outcome = await generate(current.inferenceUrl, 30);
        outcomes.push(outcome);
        if (outcome.kind === "refused") await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });
    await waitUntil(() => outcomes.filter((outcome) => outcome.kind === "done").length >= 4);
    const doneBefore = outcomes.filter((outcome) => outcome.kind === "done").length;
    await current.balancer.close({ gracePeriodMs: 10_000 });
    restarted = await startBalancer({
      logger: silentLogger(),
      config: {
        inferenceAddr: addr(addresses.inference),
        managementAddr: addr(addresses.management),
        webAdminPanelAddr: null,
        compatOpenaiAddr: null,
        stateDatabase,
        maxBufferedRequests: 30,
        bufferedRequestTimeoutMs: 20_000,
        inferenceItemTimeoutMs: 30_000,
        inferenceCorsAllowedHosts: [],
        managementCorsAllowedHosts: [],
        statsdPrefix: "paddler_",
      },
    });
    // The agent reconnects by itself and the load is served again.
    await waitUntil(
      () => outcomes.filter((outcome) => outcome.kind === "done").length >= doneBefore + 4,
      60_000,
    );
    stop = true;
    await Promise.all(loops);
    for (const outcome of outcomes) {
      expect(["done", "error", "refused"]).toContain(outcome.kind);
      if (outcome.kind === "error") expect([502, 503]).toContain(outcome.code);
    }
    const managementUrl = `http://${addresses.management}`;
    await waitUntil(async () => {
      const scrape = await scrapeMetrics(managementUrl);
      return (
        metricValue(scrape, "paddler_slots_processing") === 0 &&
        metricValue(scrape, "paddler_slots_total") === 2
      );
    });
    // The first balancer is already closed; the test cluster's close only stops the agents.
  });
});

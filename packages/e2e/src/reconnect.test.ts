import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startBalancer } from "@paddler/balancer";
import { silentLogger } from "@paddler/logger";
import { describe, expect, it } from "vitest";
import { postJson, readNdjson, waitUntil } from "./ndjson.js";
import { startTestCluster } from "./test-cluster.js";

describe("an agent reconnecting after the balancer restarts", () => {
  it("comes back by itself with the same id and its model still loaded, and serves again", async () => {
    // A file state, so the restarted balancer wants the same model and the agent keeps it loaded.
    const stateDatabase = `file://${join(await mkdtemp(join(tmpdir(), "paddler-reconnect-")), "state.json")}`;
    const cluster = await startTestCluster({
      balancer: { stateDatabase },
      agents: [{ slots: 2, name: "loyal" }],
    });
    await cluster.waitForSlots(2);
    const [agentBefore] = (await cluster.agentsSnapshot()).agents;
    const management = cluster.balancer.addresses.management ?? "";
    const inference = cluster.balancer.addresses.inference ?? "";
    await cluster.balancer.close();
    const [managementHost = "", managementPort = "0"] = management.split(":");
    const [inferenceHost = "", inferencePort = "0"] = inference.split(":");
    const restarted = await startBalancer({
      logger: silentLogger(),
      config: {
        inferenceAddr: { host: inferenceHost, port: Number(inferencePort) },
        managementAddr: { host: managementHost, port: Number(managementPort) },
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
    try {
      await waitUntil(async () => (await cluster.agentsSnapshot()).agents.length === 1);
      const [agentAfter] = (await cluster.agentsSnapshot()).agents;
      expect(agentAfter?.id).toBe(agentBefore?.id);
      expect(agentAfter?.model_path).toBe(agentBefore?.model_path);
      expect(agentAfter?.slots_total).toBe(2);
      const messages = await readNdjson(
        await postJson(`${cluster.inferenceUrl}/api/v1/continue_from_raw_prompt`, {
          raw_prompt: "Lily",
          max_tokens: 5,
        }),
      );
      expect(messages.at(-1)).toMatchObject({
        Response: { generated_by: "loyal", response: { GeneratedToken: { Done: {} } } },
      });
    } finally {
      await Promise.all(cluster.agents.map((agent) => agent.close()));
      await restarted.close();
    }
  });
});

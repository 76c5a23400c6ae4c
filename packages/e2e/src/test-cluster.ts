import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RunningAgent, type StartAgentOptions, startAgent } from "@paddler/agent";
import { type BalancerSettings, type RunningBalancer, startBalancer } from "@paddler/balancer";
import { createLogger, type Logger } from "@paddler/logger";
import {
  type AgentsResponse,
  type BalancerDesiredState,
  defaultBalancerDesiredState,
  defaultInferenceParameters,
} from "@paddler/protocol";
import { simpleChatTemplate, testModelPath } from "./test-model.js";

/** A desired state that serves the test model with small, deterministic settings. */
export function testDesiredState(overrides: Partial<BalancerDesiredState> = {}): BalancerDesiredState {
  return {
    ...defaultBalancerDesiredState,
    model: { LocalToAgent: testModelPath },
    chat_template_override: { content: simpleChatTemplate },
    use_chat_template_override: true,
    // stories260K's head size (8) is not a multiple of Q8_0's block (32), so its KV cache stays F16.
    inference_parameters: {
      ...defaultInferenceParameters,
      context_size: 2048,
      n_batch: 512,
      temperature: 0,
      k_cache_dtype: "F16",
      v_cache_dtype: "F16",
    },
    ...overrides,
  };
}

export interface TestCluster {
  balancer: RunningBalancer;
  agents: RunningAgent[];
  inferenceUrl: string;
  managementUrl: string;
  managementAddress: { host: string; port: number };
  logger: Logger;
  addAgent(options?: {
    slots?: number;
    name?: string;
    agentId?: string;
    pool?: string;
    drainTimeoutMs?: number;
    shutdownGraceMs?: number;
    /** How the agent reads its device load (see StartAgentOptions). */
    deviceLoad?: StartAgentOptions["deviceLoad"];
  }): Promise<RunningAgent>;
  putDesiredState(state: BalancerDesiredState): Promise<void>;
  agentsSnapshot(): Promise<AgentsResponse>;
  waitForSlots(total: number, timeoutMs?: number): Promise<AgentsResponse>;
  close(): Promise<void>;
}

const logLevel = process.env.PADDLER_TEST_LOG === "1" ? "debug" : "error";

/** A real balancer on port 0 and real agents with the real model, all in this process. */
export async function startTestCluster(
  options: {
    balancer?: Partial<BalancerSettings>;
    agents?: { slots: number; name?: string }[];
    desiredState?: BalancerDesiredState | null;
    /** Where agents fetch HuggingFace models (a local server in tests; never the internet). */
    huggingFaceEndpoint?: string;
  } = {},
): Promise<TestCluster> {
  const logger = createLogger({ level: logLevel });
  const cacheDir = await mkdtemp(join(tmpdir(), "paddler-e2e-cache-"));
  const local = { host: "127.0.0.1", port: 0 };
  const balancer = await startBalancer({
    logger: logger.child({ service: "balancer" }),
    config: {
      inferenceAddr: local,
      managementAddr: local,
      webAdminPanelAddr: null,
      compatOpenaiAddr: null,
      stateDatabase: "memory://",
      maxBufferedRequests: 30,
      bufferedRequestTimeoutMs: 20_000,
      inferenceItemTimeoutMs: 30_000,
      inferenceCorsAllowedHosts: [],
      managementCorsAllowedHosts: [],
      statsdPrefix: "paddler_",
      ...options.balancer,
    },
  });
  const [host = "127.0.0.1", port = "0"] = (balancer.addresses.management ?? "").split(":");
  const managementAddress = { host, port: Number(port) };
  const managementUrl = `http://${balancer.addresses.management}`;
  const cluster: TestCluster = {
    balancer,
    agents: [],
    inferenceUrl: `http://${balancer.addresses.inference}`,
    managementUrl,
    managementAddress,
    logger,
    async addAgent({
      slots = 2,
      name,
      agentId,
      pool,
      drainTimeoutMs,
      shutdownGraceMs = 2000,
      deviceLoad,
    } = {}) {
      const agent = await startAgent({
        config: {
          managementAddr: managementAddress,
          name: name ?? `agent-${cluster.agents.length + 1}`,
          slots,
          threads: 1,
          ...(pool === undefined ? {} : { pool }),
          ...(drainTimeoutMs === undefined ? {} : { drainTimeoutMs }),
        },
        logger: logger.child({ service: "agent" }),
        cacheDir,
        agentId,
        huggingFaceEndpoint: options.huggingFaceEndpoint ?? "http://127.0.0.1:9",
        shutdownGraceMs,
        ...(deviceLoad === undefined ? {} : { deviceLoad }),
      });
      cluster.agents.push(agent);
      return agent;
    },
    async putDesiredState(state) {
      const response = await fetch(`${managementUrl}/api/v1/balancer_desired_state`, {
        method: "PUT",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(state),
      });
      if (response.status !== 204)
        throw new Error(`PUT desired state: ${response.status} ${await response.text()}`);
    },
    async agentsSnapshot() {
      return (await (await fetch(`${managementUrl}/api/v1/agents`)).json()) as AgentsResponse;
    },
    async waitForSlots(total, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const snapshot = await cluster.agentsSnapshot();
        if (snapshot.agents.reduce((sum, agent) => sum + agent.slots_total, 0) === total) return snapshot;
        if (Date.now() > deadline)
          throw new Error(`slots never reached ${total}: ${JSON.stringify(snapshot)}`);
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    },
    async close() {
      await Promise.all(cluster.agents.map((agent) => agent.close()));
      await balancer.close();
      await rm(cacheDir, { recursive: true, force: true });
    },
  };
  if (options.desiredState !== null)
    await cluster.putDesiredState(options.desiredState ?? testDesiredState());
  for (const agent of options.agents ?? []) await cluster.addAgent(agent);
  return cluster;
}

import type { BalancerSettings } from "@paddler/balancer";
import type { BalancerDesiredState } from "@paddler/protocol";
import OpenAI from "openai";
import { startTestCluster, type TestCluster, testDesiredState } from "../test-cluster.js";

export interface OpenAITestCluster {
  cluster: TestCluster;
  /** The official client, pointed at the balancer's OpenAI service; retries off so errors surface once. */
  openai: OpenAI;
  baseUrl: string;
}

/** A real cluster (one agent, two slots, the test model) with the OpenAI service on port 0. */
export async function startOpenAICluster(
  options: {
    slots?: number;
    inferenceItemTimeoutMs?: number;
    desiredState?: BalancerDesiredState;
    balancer?: Partial<BalancerSettings>;
  } = {},
): Promise<OpenAITestCluster> {
  const slots = options.slots ?? 2;
  const cluster = await startTestCluster({
    balancer: {
      ...options.balancer,
      compatOpenaiAddr: { host: "127.0.0.1", port: 0 },
      ...(options.inferenceItemTimeoutMs ? { inferenceItemTimeoutMs: options.inferenceItemTimeoutMs } : {}),
    },
    agents: [{ slots }],
    desiredState: options.desiredState ?? testDesiredState(),
  });
  await cluster.waitForSlots(slots);
  const baseUrl = `http://${cluster.balancer.addresses.compatOpenai}/v1`;
  return { cluster, baseUrl, openai: new OpenAI({ baseURL: baseUrl, apiKey: "unused", maxRetries: 0 }) };
}

/** Waits until the balancer counts no slot as busy (a cancelled request has been drained). */
export async function waitForIdleSlots(cluster: TestCluster, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { agents } = await cluster.agentsSnapshot();
    if (agents.every((agent) => agent.slots_processing === 0)) return;
    if (Date.now() > deadline) throw new Error(`slots stayed busy: ${JSON.stringify(agents)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

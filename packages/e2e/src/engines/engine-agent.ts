import { type EngineChoice, type RunningAgent, startAgent } from "@paddler/agent";
import type { AgentControllerSnapshot } from "@paddler/protocol";
import type { TestCluster } from "../test-cluster.js";

/** An agent in this process that serves through `engine` instead of the built-in one. */
export async function startEngineAgent(
  cluster: TestCluster,
  engine: EngineChoice,
  options: { slots?: number; name?: string; cacheDir?: string; pool?: string } = {},
): Promise<RunningAgent> {
  const agent = await startAgent({
    config: {
      managementAddr: cluster.managementAddress,
      name: options.name ?? `${engine.kind}-agent`,
      slots: options.slots ?? 0,
      threads: 1,
      engine,
      ...(options.pool === undefined ? {} : { pool: options.pool }),
    },
    logger: cluster.logger.child({ service: "agent" }),
    cacheDir: options.cacheDir ?? "/tmp",
    huggingFaceEndpoint: "http://127.0.0.1:9",
    shutdownGraceMs: 2000,
  });
  cluster.agents.push(agent);
  return agent;
}

/** Polls the balancer's agent list until `check` holds for some agent. */
export async function waitForAgent(
  cluster: TestCluster,
  check: (agent: AgentControllerSnapshot) => boolean,
  what: string,
  timeoutMs = 60_000,
): Promise<AgentControllerSnapshot> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { agents } = await cluster.agentsSnapshot();
    const found = agents.find(check);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(agents)}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

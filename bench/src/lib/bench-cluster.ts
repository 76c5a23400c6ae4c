import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { AgentsResponse } from "@paddler/protocol";
import { benchDesiredState } from "./bench-desired-state.js";
import { benchFile } from "./repo-paths.js";
import { type SpawnedEntry, spawnEntry } from "./spawn-entry.js";

export interface BenchCluster {
  readonly balancer: SpawnedEntry<{ addresses: Record<string, string> }>;
  readonly agents: SpawnedEntry<{ id: string }>[];
  readonly inferenceUrl: string;
  readonly openaiUrl: string;
  readonly managementUrl: string;
  stop(): Promise<void>;
}

export interface StartBenchClusterOptions {
  agents: number;
  slotsPerAgent: number;
  engine: "synthetic" | "llama";
  tokensPerSecond?: number;
  maxBufferedRequests?: number;
  bufferedRequestTimeoutMs?: number;
  /**
   * Another checkout of this repository (with its node_modules) to run the balancer and agents
   * from: the bench's baseline, so an older build is measured in the same run.
   */
  root?: string;
}

/** Waits until the balancer reports this many slots in total (agents load models asynchronously). */
export async function waitForSlots(managementUrl: string, total: number, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const snapshot = (await (await fetch(`${managementUrl}/api/v1/agents`)).json()) as AgentsResponse;
    if (snapshot.agents.reduce((sum, agent) => sum + agent.slots_total, 0) >= total) return;
    if (Date.now() > deadline) throw new Error(`slots never reached ${total}: ${JSON.stringify(snapshot)}`);
    await sleep(50);
  }
}

/** The balancer and each agent as separate processes, so /proc can tell their CPU apart. */
export async function startBenchCluster(options: StartBenchClusterOptions): Promise<BenchCluster> {
  const entry = (name: string) =>
    options.root ? join(options.root, "bench/src/targets", name) : benchFile(`targets/${name}`);
  const balancer = await spawnEntry<{ addresses: Record<string, string> }>({
    file: entry("balancer-main.ts"),
    cwd: options.root,
    args: [String(options.maxBufferedRequests ?? 1000), String(options.bufferedRequestTimeoutMs ?? 30_000)],
    nodeFlags: ["--expose-gc"],
  });
  const { addresses } = balancer.ready;
  const managementUrl = `http://${addresses.management}`;
  const response = await fetch(`${managementUrl}/api/v1/balancer_desired_state`, {
    method: "PUT",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(benchDesiredState()),
  });
  if (response.status !== 204)
    throw new Error(`PUT desired state: ${response.status} ${await response.text()}`);
  // An agent that fails to start must not leave the balancer and the other agents running.
  const started: SpawnedEntry<{ id: string }>[] = [];
  const agents = await Promise.all(
    Array.from({ length: options.agents }, () =>
      spawnEntry<{ id: string }>({
        file: entry("agent-main.ts"),
        cwd: options.root,
        args: [
          addresses.management ?? "",
          String(options.slotsPerAgent),
          options.engine,
          String(options.tokensPerSecond ?? 1_000_000),
        ],
      }).then((agent) => {
        started.push(agent);
        return agent;
      }),
    ),
  ).catch(async (error: unknown) => {
    await Promise.allSettled(started.map((agent) => agent.stop()));
    await balancer.stop();
    throw error;
  });
  await waitForSlots(managementUrl, options.agents * options.slotsPerAgent);
  return {
    balancer,
    agents,
    inferenceUrl: `http://${addresses.inference}`,
    openaiUrl: `http://${addresses.compatOpenai}`,
    managementUrl,
    async stop() {
      await Promise.all(agents.map((agent) => agent.stop()));
      await balancer.stop();
    },
  };
}

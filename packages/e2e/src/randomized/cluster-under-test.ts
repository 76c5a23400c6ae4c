import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AgentSlotsView } from "@paddler/agent";
import { type RunningBalancer, startBalancer } from "@paddler/balancer";
import { createLogger } from "@paddler/logger";
import {
  type AgentSlotsReport,
  type AgentsResponse,
  type BalancerDesiredState,
  defaultInferenceParameters,
  type SlotAggregatedStatusSnapshot,
} from "@paddler/protocol";
import { type AgentProcess, spawnAgentProcess } from "../agent-process.js";
import { testDesiredState } from "../test-cluster.js";

export interface AgentView {
  slots: AgentSlotsView;
  status: SlotAggregatedStatusSnapshot;
  report: AgentSlotsReport;
  /** Every error-level line the agent logged since it started. */
  errorLines: string[];
}

export interface ClusterUnderTestOptions {
  slotsPerAgent: number;
  drainTimeoutMs: number;
}

/** Running totals for the soak report; drift healed is summed over balancer restarts. */
export interface ClusterCounters {
  balancerRestarts: number;
  agentKills: number;
  driftHealed: number;
}

/**
 * A real cluster for the randomized test: a balancer in this process on a file state (restartable
 * on the same ports) and two real agents as child processes (killable with SIGKILL), all serving
 * the real test model.
 */
export class ClusterUnderTest {
  readonly options: ClusterUnderTestOptions;
  readonly counters: ClusterCounters = { balancerRestarts: 0, agentKills: 0, driftHealed: 0 };
  #balancer: RunningBalancer | null = null;
  #agents: AgentProcess[] = [];
  #dir = "";
  #ports = { inference: 0, management: 0, openai: 0 };
  #itemTimeoutMs = 30_000;
  desiredState: BalancerDesiredState = withDefaultKvCache(testDesiredState());

  constructor(options: ClusterUnderTestOptions) {
    this.options = options;
  }

  get inferenceUrl(): string {
    return `http://127.0.0.1:${this.#ports.inference}`;
  }
  get managementUrl(): string {
    return `http://127.0.0.1:${this.#ports.management}`;
  }
  get openaiUrl(): string {
    return `http://127.0.0.1:${this.#ports.openai}/v1`;
  }
  get agentCount(): number {
    return this.#agents.length;
  }

  async start(): Promise<void> {
    this.#dir = await mkdtemp(join(tmpdir(), "paddler-randomized-"));
    await this.#startBalancer();
    await this.putDesiredState(this.desiredState);
    for (let index = 0; index < 2; index++) this.#agents.push(this.#spawnAgent(index));
  }

  async #startBalancer(): Promise<void> {
    const at = (port: number) => ({ host: "127.0.0.1", port });
    this.#balancer = await startBalancer({
      logger: createLogger({ level: process.env.PADDLER_TEST_LOG === "1" ? "debug" : "error" }),
      config: {
        inferenceAddr: at(this.#ports.inference),
        managementAddr: at(this.#ports.management),
        compatOpenaiAddr: at(this.#ports.openai),
        webAdminPanelAddr: null,
        stateDatabase: `file://${join(this.#dir, "state.json")}`,
        maxBufferedRequests: 100,
        bufferedRequestTimeoutMs: 120_000,
        inferenceItemTimeoutMs: this.#itemTimeoutMs,
        inferenceCorsAllowedHosts: [],
        managementCorsAllowedHosts: [],
        statsdPrefix: "paddler_",
        shutdownGracePeriodMs: 500,
      },
    });
    const port = (address: string | null | undefined) => Number((address ?? ":0").split(":").at(-1));
    this.#ports = {
      inference: port(this.#balancer.addresses.inference),
      management: port(this.#balancer.addresses.management),
      openai: port(this.#balancer.addresses.compatOpenai),
    };
  }

  #spawnAgent(index: number): AgentProcess {
    return spawnAgentProcess({
      managementAddress: `127.0.0.1:${this.#ports.management}`,
      slots: this.options.slotsPerAgent,
      name: `agent-${index + 1}`,
      id: `randomized-agent-${index + 1}`,
      cacheDir: this.#dir,
      drainTimeoutMs: this.options.drainTimeoutMs,
      ipc: true,
    });
  }

  async putDesiredState(state: BalancerDesiredState): Promise<void> {
    const response = await fetch(`${this.managementUrl}/api/v1/balancer_desired_state`, {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(state),
    });
    if (response.status !== 204) throw new Error(`PUT desired state: ${response.status}`);
    this.desiredState = state;
  }

  async agentsSnapshot(): Promise<AgentsResponse> {
    return (await (await fetch(`${this.managementUrl}/api/v1/agents`)).json()) as AgentsResponse;
  }

  /** Sum of the drift the current balancer healed (its counter starts at 0 on each start). */
  async driftHealedNow(): Promise<number> {
    const text = await (await fetch(`${this.managementUrl}/metrics`)).text();
    return text
      .split("\n")
      .filter((line) => line.startsWith("paddler_slot_drift_healed_total{"))
      .reduce((sum, line) => sum + Number(line.split(" ").at(-1) ?? 0), 0);
  }

  /** Restarts the balancer on the same ports and the same state file; agents reconnect by themselves. */
  async restartBalancer(itemTimeoutMs: number): Promise<void> {
    this.counters.driftHealed += await this.driftHealedNow().catch(() => 0);
    await this.#balancer?.close({ gracePeriodMs: 500 });
    this.#itemTimeoutMs = itemTimeoutMs;
    await this.#startBalancer();
    this.counters.balancerRestarts++;
  }

  /** SIGKILLs one agent and starts it again with the same id. */
  async killAgent(index: number): Promise<void> {
    const agent = this.#agents[index];
    if (!agent) return;
    agent.kill("SIGKILL");
    await agent.exited;
    this.#agents[index] = this.#spawnAgent(index);
    this.counters.agentKills++;
  }

  /** Runs a full garbage collection in one agent's process. */
  collectAgentGarbage(index: number): void {
    const agent = this.#agents[index];
    if (agent?.child.connected) agent.child.send("gc");
  }

  /** Each agent's own view of its slots (null for one that does not answer yet). */
  async agentViews(): Promise<(AgentView | null)[]> {
    return Promise.all(
      this.#agents.map(
        (agent) =>
          new Promise<AgentView | null>((resolve) => {
            if (!agent.child.connected) return resolve(null);
            const timer = setTimeout(() => resolve(null), 5000);
            agent.child.once("message", (message) => {
              clearTimeout(timer);
              resolve(message as AgentView);
            });
            agent.child.send("slots");
          }),
      ),
    );
  }

  async close(): Promise<void> {
    for (const agent of this.#agents) agent.kill("SIGKILL");
    await Promise.all(this.#agents.map((agent) => agent.exited));
    await this.#balancer?.close({ gracePeriodMs: 0 });
    await rm(this.#dir, { recursive: true, force: true });
  }
}

/**
 * The KV cache types a user gets by default (Q8_0), which this model's head size cannot hold, so
 * every load falls back to F16: the path on which issue 12's reload never finished.
 */
function withDefaultKvCache(state: BalancerDesiredState): BalancerDesiredState {
  const { k_cache_dtype, v_cache_dtype } = defaultInferenceParameters;
  return { ...state, inference_parameters: { ...state.inference_parameters, k_cache_dtype, v_cache_dtype } };
}

import { type AgentDriver, startAgentDriver } from "../lib/agent-driver.js";
import { type BenchCluster, startBenchCluster } from "../lib/bench-cluster.js";
import { generateOverHttp } from "../lib/generate-over-http.js";
import { median } from "../lib/percentile.js";
import { processTreeCpuMicros } from "../lib/proc-cpu.js";
import { benchFile } from "../lib/repo-paths.js";
import { type SpawnedEntry, spawnEntry } from "../lib/spawn-entry.js";

export interface ThroughputRow {
  /** e.g. "agent, 4 slots" or "balancer, 2 agents × 4 slots". */
  label: string;
  kind: "agent" | "balancer";
  agents: number;
  slotsPerAgent: number;
  concurrency: number;
  tokensPerSecond: number;
  /** node-llama-cpp called directly, same run, with `baselineSequences` sequences. */
  baselineTokensPerSecond: number;
  baselineSequences: number;
  /** CPU µs per generated token of the agent process (agent rows) and of node-llama-cpp alone. */
  cpuUsPerToken?: number;
  baselineCpuUsPerToken?: number;
}

export interface ModelThroughputOptions {
  rounds: number;
  maxTokens: number;
  slotCounts: readonly number[];
  agentCounts: readonly number[];
  /** Slots of each agent behind the balancer. */
  balancerSlots: number;
  log: (line: string) => void;
}

const prompt = "Once upon a time";

interface Measure {
  tokens: number;
  ms: number;
}

/** `concurrency` requests at once, `waves` times over, counted from Done's usage. */
async function measure(run: () => Promise<number>, concurrency: number, waves: number): Promise<Measure> {
  const started = performance.now();
  let tokens = 0;
  for (let wave = 0; wave < waves; wave++) {
    const counts = await Promise.all(Array.from({ length: concurrency }, run));
    tokens += counts.reduce((sum, count) => sum + count, 0);
  }
  return { tokens, ms: performance.now() - started };
}

/**
 * Issues 3 and 9: the agent's tokens/s with N slots (driven directly over its WebSocket), and
 * tokens/s through the balancer with 1, 2 and 4 agents, each against node-llama-cpp called
 * directly in its own process in the same round.
 */
export async function runModelThroughputBench(options: ModelThroughputOptions): Promise<ThroughputRow[]> {
  const { log, maxTokens } = options;
  const waves = 3;
  const direct = await spawnEntry<{ type: "ready" }>({ file: benchFile("targets/llama-direct-main.ts") });
  let baselineCpu = Number.NaN;
  const baseline = async (sequences: number) => {
    let tokens = 0;
    let ms = 0;
    const cpuBefore = processTreeCpuMicros(direct.pid);
    for (let wave = 0; wave < waves; wave++) {
      const result = await direct.ask<Measure>({ type: "generate", sequences, maxTokens, prompt });
      tokens += result.tokens;
      ms += result.ms;
    }
    baselineCpu = (processTreeCpuMicros(direct.pid) - cpuBefore) / Math.max(1, tokens);
    return (tokens / ms) * 1000;
  };
  const drivers: { slots: number; driver: AgentDriver; agent: SpawnedEntry<unknown> }[] = [];
  const clusters: { agents: number; cluster: BenchCluster }[] = [];
  const samples = new Map<
    string,
    {
      row: Omit<ThroughputRow, "tokensPerSecond" | "baselineTokensPerSecond">;
      tps: number[];
      base: number[];
      cpu: number[];
      baseCpu: number[];
    }
  >();
  const record = (
    row: Omit<ThroughputRow, "tokensPerSecond" | "baselineTokensPerSecond">,
    tps: number,
    base: number,
    cpu = Number.NaN,
  ) => {
    const entry = samples.get(row.label) ?? { row, tps: [], base: [], cpu: [], baseCpu: [] };
    entry.tps.push(tps);
    entry.base.push(base);
    entry.cpu.push(cpu);
    entry.baseCpu.push(baselineCpu);
    samples.set(row.label, entry);
    log(
      `  ${row.label}: ${tps.toFixed(0)} tokens/s vs direct ${base.toFixed(0)} (${((tps / base) * 100).toFixed(0)}%)`,
    );
  };
  try {
    for (const slots of options.slotCounts) {
      const driver = await startAgentDriver();
      const agent = await spawnEntry({
        file: benchFile("targets/agent-main.ts"),
        args: [driver.address, String(slots), "llama"],
      });
      await driver.waitForSlots(slots);
      drivers.push({ slots, driver, agent });
    }
    for (const agents of options.agentCounts) {
      clusters.push({
        agents,
        cluster: await startBenchCluster({ agents, slotsPerAgent: options.balancerSlots, engine: "llama" }),
      });
    }
    for (let round = 0; round < options.rounds; round++) {
      for (const { slots, driver, agent } of drivers) {
        const base = await baseline(slots);
        const cpuBefore = processTreeCpuMicros(agent.pid);
        const result = await measure(
          async () =>
            (await driver.generate({ ContinueFromRawPrompt: { raw_prompt: prompt, max_tokens: maxTokens } }))
              .contentTokens,
          slots,
          waves,
        );
        record(
          {
            label: `agent, ${slots} slot${slots === 1 ? "" : "s"}`,
            kind: "agent",
            agents: 1,
            slotsPerAgent: slots,
            concurrency: slots,
            baselineSequences: slots,
          },
          (result.tokens / result.ms) * 1000,
          base,
          (processTreeCpuMicros(agent.pid) - cpuBefore) / Math.max(1, result.tokens),
        );
      }
      for (const { agents, cluster } of clusters) {
        const concurrency = agents * options.balancerSlots;
        const base = await baseline(options.balancerSlots);
        const result = await measure(
          async () =>
            (await generateOverHttp({ inferenceUrl: cluster.inferenceUrl, rawPrompt: prompt, maxTokens }))
              .contentTokens,
          concurrency,
          waves,
        );
        record(
          {
            label: `balancer, ${agents} agent${agents === 1 ? "" : "s"} × ${options.balancerSlots} slots`,
            kind: "balancer",
            agents,
            slotsPerAgent: options.balancerSlots,
            concurrency,
            baselineSequences: options.balancerSlots,
          },
          (result.tokens / result.ms) * 1000,
          base,
        );
      }
    }
  } finally {
    await Promise.all(clusters.map(({ cluster }) => cluster.stop()));
    for (const { driver, agent } of drivers) {
      await agent.stop();
      await driver.close();
    }
    await direct.stop();
  }
  return [...samples.values()].map(({ row, tps, base, cpu, baseCpu }) => ({
    ...row,
    tokensPerSecond: median(tps),
    baselineTokensPerSecond: median(base),
    cpuUsPerToken: median(cpu),
    baselineCpuUsPerToken: median(baseCpu),
  }));
}

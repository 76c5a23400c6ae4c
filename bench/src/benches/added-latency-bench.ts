import { setTimeout as sleep } from "node:timers/promises";
import { startAgentDriver } from "../lib/agent-driver.js";
import { startBenchCluster } from "../lib/bench-cluster.js";
import { generateOverHttp } from "../lib/generate-over-http.js";
import { type LatencySummary, summarize } from "../lib/percentile.js";
import { benchFile } from "../lib/repo-paths.js";
import { spawnEntry } from "../lib/spawn-entry.js";

export interface AddedLatencyRow {
  engine: "synthetic" | "llama";
  direct: LatencySummary;
  balancer: LatencySummary;
}

export interface AddedLatencyOptions {
  requests: number;
  log: (line: string) => void;
}

/**
 * Issue 4: time to first token through the balancer against the same kind of agent driven
 * directly (a bench WebSocket server speaking the balancer side of the protocol). Two identical
 * agent processes, one per path; requests alternate between the paths, one at a time.
 */
export async function runAddedLatencyBench({
  requests,
  log,
}: AddedLatencyOptions): Promise<AddedLatencyRow[]> {
  const rows: AddedLatencyRow[] = [];
  for (const engine of ["synthetic", "llama"] as const) {
    const driver = await startAgentDriver();
    const directAgent = await spawnEntry({
      file: benchFile("targets/agent-main.ts"),
      args: [driver.address, "1", engine, "1000000"],
    });
    const cluster = await startBenchCluster({ agents: 1, slotsPerAgent: 1, engine });
    try {
      await driver.waitForSlots(1);
      const direct: number[] = [];
      const balanced: number[] = [];
      const prompt = "Once upon a time";
      for (let index = 0; index < requests + 20; index++) {
        const viaDriver = await driver.generate({
          ContinueFromRawPrompt: { raw_prompt: prompt, max_tokens: 1 },
        });
        const viaBalancer = await generateOverHttp({
          inferenceUrl: cluster.inferenceUrl,
          rawPrompt: prompt,
          maxTokens: 1,
        });
        // The first 20 pairs warm up JIT, sockets and the KV cache.
        if (index >= 20) {
          direct.push(viaDriver.firstTokenMs);
          balanced.push(viaBalancer.firstTokenMs);
        }
        await sleep(2);
      }
      const row = { engine, direct: summarize(direct), balancer: summarize(balanced) };
      log(
        `  ${engine}: direct p50 ${row.direct.p50.toFixed(3)} ms, through balancer p50 ${row.balancer.p50.toFixed(3)} ms`,
      );
      rows.push(row);
    } finally {
      await cluster.stop();
      await directAgent.stop();
      await driver.close();
    }
  }
  return rows;
}

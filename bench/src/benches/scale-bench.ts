import { setTimeout as sleep } from "node:timers/promises";
import type { BufferedRequestsResponse } from "@paddler/protocol";
import WebSocket from "ws";
import { waitForSlots } from "../lib/bench-cluster.js";
import { benchDesiredState } from "../lib/bench-desired-state.js";
import { generateOverHttp } from "../lib/generate-over-http.js";
import { type LatencySummary, summarize } from "../lib/percentile.js";
import { processTreeCpuMicros } from "../lib/proc-cpu.js";
import { benchFile } from "../lib/repo-paths.js";
import { type SpawnedEntry, spawnEntry } from "../lib/spawn-entry.js";

interface Memory {
  rss: number;
  heapUsed: number;
}

export interface AgentScaleRow {
  agents: number;
  /** Sequential 1-token requests through the balancer to instantly answering fake agents. */
  dispatch: LatencySummary;
  rssPerAgentBytes: number;
  heapPerAgentBytes: number;
  /** Balancer CPU while idle, agents sending their 1 s status updates, in % of one core. */
  idleCpuPercent: number;
}

export interface BufferScaleResult {
  requests: number;
  rssPerRequestBytes: number;
  heapPerRequestBytes: number;
  /** From connecting agents with enough slots to the last buffered request answered. */
  drainMs: number;
  errors: number;
}

export interface ScaleResult {
  agents: AgentScaleRow[];
  buffer: BufferScaleResult;
}

type Balancer = SpawnedEntry<{ addresses: Record<string, string> }>;

async function startBalancer(maxBuffered: number): Promise<Balancer> {
  const balancer = await spawnEntry<{ addresses: Record<string, string> }>({
    file: benchFile("targets/balancer-main.ts"),
    args: [String(maxBuffered), "120000"],
    nodeFlags: ["--expose-gc"],
  });
  const response = await fetch(
    `http://${balancer.ready.addresses.management}/api/v1/balancer_desired_state`,
    {
      method: "PUT",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(benchDesiredState()),
    },
  );
  await response.text();
  // Let the balancer settle (JIT of the routes we just used) before the baseline memory reading.
  await fetch(`http://${balancer.ready.addresses.inference}/health`).then((r) => r.text());
  return balancer;
}

const memoryOf = (balancer: Balancer) => balancer.ask<Memory>({ type: "memory" });

/** Issue 9's scale figures: 1–1000 connected agents, then 10,000 buffered requests. */
export async function runScaleBench(options: {
  agentCounts: readonly number[];
  bufferedRequests: number;
  dispatchRequests: number;
  log: (line: string) => void;
}): Promise<ScaleResult> {
  const { log } = options;
  const rows: AgentScaleRow[] = [];
  for (const agents of options.agentCounts) {
    const balancer = await startBalancer(100);
    const management = balancer.ready.addresses.management ?? "";
    let fakes: SpawnedEntry<unknown> | null = null;
    try {
      await sleep(300);
      const before = await memoryOf(balancer);
      fakes = await spawnEntry({
        file: benchFile("targets/fake-agents-main.ts"),
        args: [management, String(agents), "4"],
        readyTimeoutMs: 60_000,
      });
      await waitForSlots(`http://${management}`, agents * 4);
      await sleep(1500);
      const after = await memoryOf(balancer);
      const cpuBefore = processTreeCpuMicros(balancer.pid);
      const idleStarted = performance.now();
      await sleep(3000);
      const idleCpuPercent =
        ((processTreeCpuMicros(balancer.pid) - cpuBefore) / ((performance.now() - idleStarted) * 1000)) * 100;
      const inferenceUrl = `http://${balancer.ready.addresses.inference}`;
      const latencies: number[] = [];
      for (let index = 0; index < options.dispatchRequests + 20; index++) {
        const outcome = await generateOverHttp({ inferenceUrl, rawPrompt: "Hi", maxTokens: 1 });
        if (index >= 20) latencies.push(outcome.firstTokenMs);
      }
      const row: AgentScaleRow = {
        agents,
        dispatch: summarize(latencies),
        rssPerAgentBytes: (after.rss - before.rss) / agents,
        heapPerAgentBytes: (after.heapUsed - before.heapUsed) / agents,
        idleCpuPercent,
      };
      log(
        `  ${agents} agents: dispatch p50 ${row.dispatch.p50.toFixed(3)} ms p99 ${row.dispatch.p99.toFixed(3)} ms, heap/agent ${(row.heapPerAgentBytes / 1024).toFixed(1)} KB, idle CPU ${idleCpuPercent.toFixed(2)}%`,
      );
      rows.push(row);
    } finally {
      await fakes?.stop();
      await balancer.stop();
    }
  }
  return { agents: rows, buffer: await runBufferScale(options.bufferedRequests, log) };
}

/** 10,000 requests over one inference WebSocket, buffered while no agent is connected. */
async function runBufferScale(requests: number, log: (line: string) => void): Promise<BufferScaleResult> {
  const balancer = await startBalancer(requests * 2);
  const management = balancer.ready.addresses.management ?? "";
  let fakes: SpawnedEntry<unknown> | null = null;
  const socket = new WebSocket(`ws://${balancer.ready.addresses.inference}/api/v1/inference_socket`);
  try {
    await new Promise((resolve, reject) => {
      socket.once("open", resolve);
      socket.once("error", reject);
    });
    await sleep(300);
    const before = await memoryOf(balancer);
    let finished = 0;
    let errors = 0;
    let allDone: () => void = () => {};
    const done = new Promise<void>((resolve) => {
      allDone = resolve;
    });
    socket.on("message", (data) => {
      const text = String(data);
      if (!text.includes('"Done"') && !text.includes('"Error"')) return;
      if (text.includes('"Error"')) errors++;
      if (++finished === requests) allDone();
    });
    for (let index = 0; index < requests; index++) {
      socket.send(
        JSON.stringify({
          Request: {
            id: `b-${index}`,
            request: { ContinueFromRawPrompt: { raw_prompt: "Hi", max_tokens: 1 } },
          },
        }),
      );
    }
    const managementUrl = `http://${management}`;
    for (;;) {
      const buffered = (await (
        await fetch(`${managementUrl}/api/v1/buffered_requests`)
      ).json()) as BufferedRequestsResponse;
      if (buffered.buffered_requests_current >= requests) break;
      await sleep(100);
    }
    const after = await memoryOf(balancer);
    const started = performance.now();
    fakes = await spawnEntry({
      file: benchFile("targets/fake-agents-main.ts"),
      args: [management, "10", "100"],
    });
    await done;
    const result: BufferScaleResult = {
      requests,
      rssPerRequestBytes: (after.rss - before.rss) / requests,
      heapPerRequestBytes: (after.heapUsed - before.heapUsed) / requests,
      drainMs: performance.now() - started,
      errors,
    };
    log(
      `  ${requests} buffered: heap/request ${(result.heapPerRequestBytes / 1024).toFixed(2)} KB, drained in ${result.drainMs.toFixed(0)} ms`,
    );
    return result;
  } finally {
    socket.terminate();
    await fakes?.stop();
    await balancer.stop();
  }
}

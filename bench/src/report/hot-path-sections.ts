import type { FairnessResult } from "../benches/fairness-bench.js";
import type { ProfileResult } from "../benches/profile-bench.js";
import type { TokenCostResult } from "../benches/token-cost-bench.js";
import { cpuBreakdownSection } from "./cpu-breakdown-section.js";

const us = (value: number) => (Number.isFinite(value) ? `${value.toFixed(0)} µs` : "n/a");
const us1 = (value: number) => (Number.isFinite(value) ? `${value.toFixed(1)} µs` : "n/a");
const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)} ms` : "n/a");
const pct = (value: number) => (Number.isFinite(value) ? `${(value * 100).toFixed(0)}%` : "n/a");
const count = (value: number) => (Number.isFinite(value) ? Math.round(value).toLocaleString("en") : "n/a");

/** Issue 16's CPU per stream and per relayed token, and what one balancer core relays. */
export function tokenCostSection(result: TokenCostResult, baselineCommit?: string): string[] {
  const lines = [
    "## CPU per stream and per relayed token (issue 16)",
    "",
    "Closed loop, 16 streams at a time, of 16 and of 256 tokens, interleaved route by route in each round (medians of 2 rounds). CPU from /proc of the proxy process (nginx master+worker; the Node relay; the balancer); for direct, of the backend itself. The Node relay is a bare `node:http` server that forwards each request to the direct backend with `http.request` and pipes the response back (`bench/src/targets/node-relay-main.ts`): what Node's own HTTP server and client cost, the floor for any balancer built on Node. Per token = (CPU per 256-token stream − CPU per 16-token stream) / 240; per request = what is left of the 16-token stream. The balancer's routes: native NDJSON `continue_from_raw_prompt`, the inference WebSocket (16 requests multiplexed on one socket) and OpenAI `/v1/chat/completions` SSE; direct, nginx and the Node relay serve OpenAI SSE. The agent is the synthetic engine (one timer tick per token).",
    "",
    "| route | CPU / 16-token stream | CPU / 256-token stream | CPU / relayed token | CPU / request apart from tokens | backend (agent) CPU / token | errors |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  ];
  const baseline = result.rows.some((row) => row.route.endsWith("(before)"));
  if (baseline)
    lines.splice(
      4,
      0,
      `Rows marked (before) are the baseline build given with \`--baseline\`${baselineCommit ? ` (commit ${baselineCommit})` : ""}, run from a second checkout as its own balancer and agent processes, measured in the same rounds as the current build.`,
      "",
    );
  for (const row of result.rows) {
    lines.push(
      `| ${row.route} | ${us(row.cpuUsPer16)} | ${us(row.cpuUsPer256)} | ${us1(row.cpuUsPerToken)} | ${us(row.cpuUsPerRequest)} | ${row.route === "direct" ? "—" : us1(row.backendCpuUsPerToken)} | ${row.errors} |`,
    );
  }
  if (baseline) {
    lines.push(
      "",
      "Current against baseline, same rounds (lower is better; below 100% is a saving):",
      "",
      "| route | CPU / 16-token stream | CPU / relayed token |",
      "| --- | --- | --- |",
    );
    for (const row of result.rows) {
      const before = result.rows.find((entry) => entry.route === `${row.route} (before)`);
      if (!before) continue;
      lines.push(
        `| ${row.route} | ${us(row.cpuUsPer16)} vs ${us(before.cpuUsPer16)} (${pct(row.cpuUsPer16 / before.cpuUsPer16)}) | ${us1(row.cpuUsPerToken)} vs ${us1(before.cpuUsPerToken)} (${pct(row.cpuUsPerToken / before.cpuUsPerToken)}) |`,
      );
    }
  }
  lines.push(
    "",
    "### Relayed tokens/s of one balancer process",
    "",
    '256-token NDJSON streams, closed loop at rising concurrency. "Per core-second" is relayed tokens divided by the balancer\'s CPU seconds: what one fully busy core would carry at this mix. On this 2-core machine the synthetic agent and the load generator share the cores with the balancer, so the balancer never gets a core to itself; the per-core-second figure is the capacity estimate.',
    "",
    "| build | streams at once | relayed tokens/s | balancer CPU (share of a core) | tokens per balancer core-second | first token p50 / p99 | errors |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  );
  for (const row of result.relay) {
    lines.push(
      `| ${row.build ?? "balancer"} | ${row.concurrency} | ${count(row.tokensPerSecond)} | ${pct(row.balancerCoreShare)} | ${count(row.tokensPerCoreSecond)} | ${ms(row.ttfbP50Ms)} / ${ms(row.ttfbP99Ms)} | ${row.errors} |`,
    );
  }
  for (const note of result.notes) lines.push("", `Note: ${note}`);
  return lines;
}

export function fairnessSection(result: FairnessResult): string[] {
  return [
    "## Fairness inside one agent (issue 16)",
    "",
    `A real llama agent with ${result.slots} slots (stories260K, threads 1), driven directly over its WebSocket. ${result.longRequests} long requests (\`max_tokens\` ${result.longMaxTokens}, restarted as they end) keep ${result.longRequests} slots generating; ${result.probes} short requests (\`max_tokens\` 2) are sent one after another to the free slot. The same short request on the idle agent is the reference. One batch step is the median time between two tokens of a long request while all slots run.`,
    "",
    "| | first token p50 | p99 | max |",
    "| --- | --- | --- | --- |",
    `| idle agent | ${ms(result.idleP50Ms)} | ${ms(result.idleP99Ms)} | ${ms(result.idleMaxMs)} |`,
    `| beside ${result.longRequests} long generations | ${ms(result.busyP50Ms)} | ${ms(result.busyP99Ms)} | ${ms(result.busyMaxMs)} |`,
    "",
    `Batch step: ${ms(result.batchStepMs)}. Added p99 beside the long generations: ${ms(result.busyP99Ms - result.idleP99Ms)} (${Number.isFinite(result.batchStepMs) && result.batchStepMs > 0 ? ((result.busyP99Ms - result.idleP99Ms) / result.batchStepMs).toFixed(1) : "n/a"} batch steps).`,
  ];
}

export function profileSection(result: ProfileResult, chart: string | null): string[] {
  const lines = [
    "## Where the balancer's CPU goes (issue 16)",
    "",
    `A V8 CPU profile of the balancer process (inspector, 200 µs sampling, start-up left out) under ${result.load}; ${result.streams.toLocaleString("en")} streams${result.phases ? ", each load profiled apart" : ""}. The process was busy in ${pct(result.busyShare)} of the samples; shares below are of the busy samples.`,
    "",
  ];
  if (result.phases)
    lines.push(...cpuBreakdownSection(result.phases), "", "### Flame graph and top frames", "");
  if (chart) lines.push(`![balancer flame graph](${chart})`, "");
  lines.push(
    `The ${result.phases ? "loads' profiles together" : "profile"}; self = in the function itself, total = with everything it called.`,
    "",
    "| # | frame | self | total |",
    "| --- | --- | --- | --- |",
  );
  result.frames.forEach((frame, index) => {
    lines.push(
      `| ${index + 1} | \`${frame.name.replace(/\|/g, "\\|")}\` | ${pct(frame.selfShare)} | ${pct(frame.totalShare)} |`,
    );
  });
  return lines;
}

import type { OverheadResult } from "../benches/overhead-bench.js";
import type { BenchResults } from "./bench-results.js";
import { kb, ms, pct, signedMs, us, us1 } from "./format.js";
import { goals } from "./goals.js";
import { fairnessSection, profileSection, tokenCostSection } from "./hot-path-sections.js";
import { llamaServerSection } from "./llama-server-section.js";
import { multiTurnSection } from "./multi-turn-section.js";
import { maxRate, proxyCpu, row } from "./overhead-lookup.js";

function overheadSection(overhead: OverheadResult): string[] {
  const lines: string[] = [];
  const rates = [...new Set(overhead.openLoop.map((entry) => entry.rate))];
  lines.push(
    "## Proxy overhead: direct, nginx, balancer",
    "",
    `Open loop from a separate process; latency from each request's scheduled send time; medians of the rounds' percentiles. Balancer route: ${overhead.balancerRoute === "openai" ? "OpenAI-compatible `/v1/chat/completions` (SSE)" : "native NDJSON `continue_from_raw_prompt`"}. CPU per request from /proc (utime+stime) of each process: for nginx the nginx master+worker (and, separately, the backend behind it); for the balancer the balancer process (and, separately, the synthetic agent).`,
    "",
    "| variant | rate | target | p50 | p99 | added p50 / p99 vs direct | first byte p50 / p99 | proxy CPU/req | backend CPU/req | errors |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  );
  for (const variant of ["stream", "plain"] as const) {
    for (const rate of rates) {
      const direct = row(overhead, "direct", variant, rate);
      for (const target of ["direct", "nginx", "balancer"] as const) {
        const entry = row(overhead, target, variant, rate);
        if (!entry) continue;
        const added =
          direct && target !== "direct"
            ? `${signedMs(entry.p50Ms - direct.p50Ms)} / ${signedMs(entry.p99Ms - direct.p99Ms)}`
            : "—";
        const backend =
          target === "nginx"
            ? entry.cpuUsPerRequest.backend
            : target === "balancer"
              ? entry.cpuUsPerRequest.agent
              : undefined;
        lines.push(
          `| ${variant} | ${rate}/s | ${target} | ${ms(entry.p50Ms)} | ${ms(entry.p99Ms)} | ${added} | ${ms(entry.ttfbP50Ms)} / ${ms(entry.ttfbP99Ms)} | ${us(proxyCpu(entry))} | ${target === "direct" ? "—" : us(backend)} | ${entry.errors} |`,
        );
      }
    }
  }
  lines.push(
    "",
    `### Highest rate at 32 connections (${overhead.tool === "wrk" ? "wrk, 1 thread" : "closed-loop generator"})`,
    "",
    "| variant | target | req/s | vs direct | proxy CPU/req | backend CPU/req | errors |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  );
  for (const variant of ["stream", "plain"] as const) {
    const direct = maxRate(overhead, "direct", variant);
    for (const target of ["direct", "nginx", "balancer"] as const) {
      const entry = maxRate(overhead, target, variant);
      if (!entry) continue;
      const backend =
        target === "nginx"
          ? entry.cpuUsPerRequest.backend
          : target === "balancer"
            ? entry.cpuUsPerRequest.agent
            : undefined;
      lines.push(
        `| ${variant} | ${target} | ${entry.requestsPerSecond.toFixed(0)} | ${direct ? pct(entry.requestsPerSecond / direct.requestsPerSecond) : "n/a"} | ${us(proxyCpu(entry))} | ${target === "direct" ? "—" : us(backend)} | ${entry.errors} |`,
      );
    }
  }
  lines.push(
    "",
    "Both backends pace tokens the same way (the agent's synthetic engine rule: sleep to each token's due time, 1,000,000 tokens/s, i.e. one timer tick per token), so a 16-token request takes ~16–30 ms however fast the machine is. At 32 connections direct is therefore capped by its timer ticks (32 / ~30 ms ≈ 1,000 req/s), not by CPU; nginx reaches the same cap. The ratio against direct is an upper bound on what the balancer would reach against an uncapped backend.",
  );
  for (const note of overhead.notes) lines.push("", `Note: ${note}`);
  return lines;
}

/** The method line saying which build of the balancer and agent the figures are of. */
function packagesFromText(packagesFrom: BenchResults["packagesFrom"]): string {
  return packagesFrom === "dist"
    ? "The balancer and agent run from the tsc output (`dist/`, built at the start of the run), as in the Docker images; only the bench's own entry scripts load through tsx."
    : "The balancer and agent ran from their TypeScript source through tsx (`--source`, or a run from before the bench built them): tsx's esbuild transform wraps every closure in `__name(...)`, a few percent more balancer CPU than the deployed build (the Docker images run the tsc output).";
}

/** REPORT.md: headline figures first, then goals, the machine, and each bench's table. */
export function renderReport(results: BenchResults, charts: string[]): string {
  const { machine } = results;
  const goalList = goals(results);
  const lines: string[] = ["# Paddler (TypeScript) benchmark report", ""];
  lines.push("## Headline", "");
  for (const goal of goalList)
    lines.push(`- ${goal.met === null ? "➖" : goal.met ? "✅" : "❌"} **${goal.goal}**: ${goal.measured}`);
  if (results.addedLatency) {
    for (const entry of results.addedLatency) {
      lines.push(
        `- Time to first token added by the balancer (${entry.engine} agent, 1 slot, one request at a time): p50 ${signedMs(entry.balancer.p50 - entry.direct.p50)}, p99 ${signedMs(entry.balancer.p99 - entry.direct.p99)}`,
      );
    }
  }
  if (results.overhead) {
    const direct = row(results.overhead, "direct", "stream", 200);
    const balancer = row(results.overhead, "balancer", "stream", 200);
    if (direct && balancer)
      lines.push(
        `- Time to first byte added at 200 streams/s (OpenAI SSE, synthetic agent): p50 ${signedMs(balancer.ttfbP50Ms - direct.ttfbP50Ms)}, p99 ${signedMs(balancer.ttfbP99Ms - direct.ttfbP99Ms)}`,
      );
  }
  if (results.tokenCost) {
    const ndjson = results.tokenCost.rows.find((entry) => entry.route === "balancer ndjson");
    if (ndjson)
      lines.push(
        `- One balancer core relays ~${Math.round(1e6 / ndjson.cpuUsPerToken).toLocaleString("en")} tokens/s on the native route at the per-token slope (${us1(ndjson.cpuUsPerToken)} per token)`,
      );
  }
  lines.push(
    "",
    `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${machine.memoryGiB} GiB, Linux ${machine.kernel}, Node ${machine.node}; run ${machine.date}. The machine is shared with other work while the bench runs${machine.loadAverage !== undefined ? ` (load average ${machine.loadAverage} on ${machine.cores} cores when this run started${machine.loadAverage > machine.cores * 2 ? ": saturated, so every absolute figure here is inflated several times over a quiet run and open-loop rates queue up" : ""})` : ""}, so absolute times are noisy: compare the ratios, which come from targets interleaved in the same run.`,
    "",
    packagesFromText(results.packagesFrom),
    "",
    "Rerun: `pnpm bench` (`apt-get install -y nginx wrk` for those targets; `--source` runs the TypeScript source without a build, `--only a,b` a subset, `--quick` short runs). Raw figures: `bench/results/results.json` (not committed).",
    "",
  );
  for (const chart of charts.filter((name) => name !== "balancer-flame.svg"))
    lines.push(`![${chart}](${chart})`, "");
  lines.push(
    "## Goals (issues 9 and 16) and why where missed",
    "",
    "| goal | measured | met | why |",
    "| --- | --- | --- | --- |",
  );
  for (const goal of goalList)
    lines.push(
      `| ${goal.goal} | ${goal.measured} | ${goal.met === null ? "n/a" : goal.met ? "yes" : "no"} | ${goal.why} |`,
    );
  lines.push("");
  if (results.overhead) lines.push(...overheadSection(results.overhead), "");
  if (results.tokenCost) lines.push(...tokenCostSection(results.tokenCost, results.baselineCommit), "");
  if (results.profile)
    lines.push(
      ...profileSection(results.profile, charts.includes("balancer-flame.svg") ? "balancer-flame.svg" : null),
      "",
    );
  if (results.addedLatency) {
    lines.push(
      "## Added latency (issue 4)",
      "",
      'Two identical agent processes (1 slot, threads 1): one dialled by a bench WebSocket server speaking the balancer side of the agent protocol ("direct"), one behind the balancer, reached over HTTP NDJSON with a node:http client (the undici fetch of earlier runs added about 1 ms of its own per request). Requests alternate between the paths, one at a time, `max_tokens: 1`; time to the first ContentToken as the client sees it.',
      "",
      "| agent engine | direct p50 | direct p99 | balancer p50 | balancer p99 | added p50 | added p99 |",
      "| --- | --- | --- | --- | --- | --- | --- |",
    );
    for (const entry of results.addedLatency) {
      lines.push(
        `| ${entry.engine} | ${ms(entry.direct.p50)} | ${ms(entry.direct.p99)} | ${ms(entry.balancer.p50)} | ${ms(entry.balancer.p99)} | ${signedMs(entry.balancer.p50 - entry.direct.p50)} | ${signedMs(entry.balancer.p99 - entry.direct.p99)} |`,
      );
    }
    lines.push("");
  }
  if (results.throughput) {
    lines.push(
      "## Throughput with the real model (issues 3 and 9)",
      "",
      "stories260K, threads 1 per process, greedy, F16 KV, `max_tokens` 128 from the same prompt; `concurrency` requests at once, three waves; tokens from Done's usage. The baseline is node-llama-cpp called directly (its own process, one context with the same number of sequences, same settings), measured in the same round. Only 2 cores exist: 2 and 4 agents (plus the balancer, the bench client and the baseline process) share them, so more agents cannot scale linearly here.",
      "",
      "| setup | concurrency | tokens/s | node-llama-cpp direct (sequences) | ratio | agent CPU / token | node-llama-cpp CPU / token |",
      "| --- | --- | --- | --- | --- | --- | --- |",
    );
    for (const entry of results.throughput) {
      lines.push(
        `| ${entry.label} | ${entry.concurrency} | ${entry.tokensPerSecond.toFixed(0)} | ${entry.baselineTokensPerSecond.toFixed(0)} (${entry.baselineSequences}) | ${pct(entry.tokensPerSecond / entry.baselineTokensPerSecond)} | ${entry.kind === "agent" ? us1(entry.cpuUsPerToken) : "—"} | ${us1(entry.baselineCpuUsPerToken)} |`,
      );
    }
    lines.push("");
  }
  if (results.llamaServer && results.llamaServer.length > 0)
    lines.push(...llamaServerSection(results.llamaServer), "");
  if (results.fairness) lines.push(...fairnessSection(results.fairness), "");
  if (results.multiTurn) lines.push(...multiTurnSection(results.multiTurn), "");
  if (results.scale) {
    const { scale } = results;
    lines.push(
      "## Scale",
      "",
      "Agents are lightweight protocol clients (raw WebSockets in one separate process, 4 slots each, status every second, answering at once with one token), so the figures are the balancer's. Dispatch = time to first token of sequential 1-token HTTP requests. Memory = balancer process deltas after two forced GCs, divided by the count (small counts are dominated by one-off allocations). Idle CPU = balancer CPU over 3 s with the agents connected and idle.",
      "",
      "| agents | dispatch p50 | dispatch p99 | heap/agent | RSS/agent | idle CPU (% of a core) |",
      "| --- | --- | --- | --- | --- | --- |",
    );
    for (const entry of scale.agents) {
      lines.push(
        `| ${entry.agents} | ${ms(entry.dispatch.p50)} | ${ms(entry.dispatch.p99)} | ${kb(entry.heapPerAgentBytes)} | ${kb(entry.rssPerAgentBytes)} | ${entry.idleCpuPercent.toFixed(2)}% |`,
      );
    }
    lines.push(
      "",
      `${scale.buffer.requests.toLocaleString("en")} requests sent over one inference WebSocket while no agent is connected, all buffered: ${kb(scale.buffer.heapPerRequestBytes)} heap and ${kb(scale.buffer.rssPerRequestBytes)} RSS per buffered request. Connecting 10 agents × 100 slots then drained them in ${ms(scale.buffer.drainMs)} (${((scale.buffer.requests / scale.buffer.drainMs) * 1000).toFixed(0)} dispatches/s), ${scale.buffer.errors} errors. Over HTTP each waiting request would also hold a socket (~several KB more in the kernel and Node's HTTP parser).`,
      "",
    );
  }
  if (results.problems.length > 0) {
    lines.push("## Not measured in this run", "");
    for (const problem of results.problems) lines.push(`- ${problem}`);
    lines.push("");
  }
  lines.push(
    "## Durations",
    "",
    Object.entries(results.durations)
      .map(([name, seconds]) => `${name} ${seconds.toFixed(0)} s`)
      .join(" · "),
    "",
  );
  return lines.join("\n");
}

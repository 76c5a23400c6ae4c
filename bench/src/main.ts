// `pnpm bench`: runs every benchmark in turn on this machine and writes bench/results/REPORT.md,
// the charts and results.json, and the README's headline table. About 11 minutes on 2 quiet cores
// (last full run, with a --baseline build beside it: overhead ~2.7, token-cost ~2.6, multi-turn ~2.1,
// build ~0.9, throughput ~0.7, scale ~0.6, profile ~0.5, added-latency ~0.3, llama-server ~0.2,
// fairness ~0.1); a busy machine stretches it towards 30.
// `pnpm bench --only overhead,scale` runs a subset (the report then says what was skipped).
// It first builds the balancer and agent packages (tsc, ~25 s; also in a --baseline checkout) and
// runs them from dist/, as the Docker images do; `--source` skips the build and runs the
// TypeScript source through tsx instead (quicker to iterate, a few percent more balancer CPU).
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { runAddedLatencyBench } from "./benches/added-latency-bench.js";
import { runFairnessBench } from "./benches/fairness-bench.js";
import { runLlamaServerEnginesBench } from "./benches/llama-server-engines-bench.js";
import { runModelThroughputBench } from "./benches/model-throughput-bench.js";
import { runMultiTurnChatBench } from "./benches/multi-turn-chat-bench.js";
import { runOverheadBench } from "./benches/overhead-bench.js";
import { runProfileBench } from "./benches/profile-bench.js";
import { runScaleBench } from "./benches/scale-bench.js";
import { runTokenCostBench } from "./benches/token-cost-bench.js";
import { commitOf } from "./lib/commit-of.js";
import { machineInfo } from "./lib/machine-info.js";
import { modelPath, repoRoot, resultsDir } from "./lib/repo-paths.js";
import { buildWorkspace, usePackageSource } from "./lib/workspace-build.js";
import { flameGraphSvg } from "./profile/flame-graph-svg.js";
import { barChartSvg } from "./report/bar-chart-svg.js";
import type { BenchResults } from "./report/bench-results.js";
import { readmeHeadline, withHeadline } from "./report/readme-headline.js";
import { renderReport } from "./report/render-report.js";

const names = [
  "overhead",
  "token-cost",
  "added-latency",
  "throughput",
  "fairness",
  "scale",
  "profile",
  "llama-server",
  "multi-turn",
] as const;
const { values } = parseArgs({
  options: {
    only: { type: "string" },
    quick: { type: "boolean" },
    baseline: { type: "string" },
    source: { type: "boolean" },
  },
});
// --quick: short runs to check the benches work; its figures are not for the report.
const quickScale = values.quick ? 0.3 : 1;
const runMs = (value: number) => Math.max(500, Math.round(value * quickScale));
const selected = new Set(values.only ? values.only.split(",") : names);
const log = (line: string) => process.stdout.write(`${line}\n`);

const results: BenchResults = {
  machine: machineInfo(),
  packagesFrom: values.source ? "source" : "dist",
  ...(values.baseline ? { baselineCommit: commitOf(values.baseline) } : {}),
  durations: {},
  problems: [],
  overhead: null,
  addedLatency: null,
  throughput: null,
  scale: null,
  tokenCost: null,
  fairness: null,
  profile: null,
  multiTurn: null,
};

async function step<T>(
  name: (typeof names)[number],
  needsModel: boolean,
  run: () => Promise<T>,
): Promise<T | null> {
  if (!selected.has(name)) {
    results.problems.push(`${name}: not selected (--only)`);
    return null;
  }
  if (needsModel && !existsSync(modelPath)) {
    results.problems.push(`${name}: the model is missing at ${modelPath}`);
    return null;
  }
  log(`# ${name}`);
  const started = performance.now();
  try {
    return await run();
  } catch (error) {
    results.problems.push(`${name}: failed: ${error instanceof Error ? error.message : String(error)}`);
    log(`  failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return null;
  } finally {
    results.durations[name] = (performance.now() - started) / 1000;
  }
}

const started = performance.now();
usePackageSource(values.source ? "source" : "dist");
if (!values.source) {
  log("# build");
  const buildStarted = performance.now();
  await buildWorkspace(repoRoot, log);
  if (values.baseline) await buildWorkspace(values.baseline, log);
  results.durations.build = (performance.now() - buildStarted) / 1000;
}
// The synthetic agent still loads the desired state's model path (it never reads it), so every
// bench that starts an agent needs the model file.
results.overhead = await step("overhead", true, () =>
  runOverheadBench({ rounds: 2, rates: [200, 500], runMs: 4000, wrkSeconds: 4, log }),
);
results.tokenCost = await step("token-cost", true, () =>
  runTokenCostBench({
    rounds: 2,
    runMs: runMs(3000),
    concurrency: 16,
    relayConcurrency: [8, 32, 96],
    baselineRoot: values.baseline,
    log,
  }),
);
results.addedLatency = await step("added-latency", true, () => runAddedLatencyBench({ requests: 300, log }));
results.throughput = await step("throughput", true, () =>
  runModelThroughputBench({
    rounds: 2,
    maxTokens: 128,
    slotCounts: [1, 4],
    agentCounts: [1, 2, 4],
    balancerSlots: 2,
    log,
  }),
);
results.fairness = await step("fairness", true, () =>
  runFairnessBench({ slots: 4, longMaxTokens: 600, probes: values.quick ? 10 : 40, log }),
);
results.scale = await step("scale", false, () =>
  runScaleBench({ agentCounts: [1, 10, 100, 1000], bufferedRequests: 10_000, dispatchRequests: 300, log }),
);
results.multiTurn = await step("multi-turn", true, () =>
  runMultiTurnChatBench({
    agentCounts: [2, 4],
    slotsPerAgent: 2,
    usersPerAgent: 2,
    turns: values.quick ? 3 : 8,
    maxTokens: 16,
    thinkMs: 3000,
    policies: ["least_busy", "sticky", "prefix_affinity"],
    log,
  }),
);
const charts: string[] = [];
await mkdir(resultsDir, { recursive: true });
const profiled = await step("profile", true, () =>
  runProfileBench({ runMs: runMs(4000), concurrency: 16, log }),
);
if (profiled) {
  results.profile = profiled.result;
  await writeFile(
    join(resultsDir, "balancer-flame.svg"),
    flameGraphSvg(
      profiled.profile,
      `Balancer CPU under stream load (${profiled.result.load}); idle left out`,
    ),
  );
}
// Writes bench/results/llama-server-engines.md itself; needs scripts/build-llama-server.sh's binary.
results.llamaServer = await step("llama-server", true, () =>
  runLlamaServerEnginesBench({ slots: 2, maxTokens: 128, rounds: values.quick ? 1 : 3, log }),
);
results.durations.total = (performance.now() - started) / 1000;

if (results.overhead) {
  const { overhead } = results;
  const rates = [...new Set(overhead.openLoop.map((entry) => entry.rate))];
  await writeFile(
    join(resultsDir, "overhead.svg"),
    barChartSvg({
      title: "16-token streams: p99 latency from scheduled send (lower is better)",
      unit: "ms",
      groups: rates.map((rate) => ({
        label: `${rate} req/s`,
        bars: overhead.openLoop
          .filter((entry) => entry.variant === "stream" && entry.rate === rate)
          .map((entry) => ({ label: entry.target, value: entry.p99Ms })),
      })),
    }),
  );
  charts.push("overhead.svg");
}
if (results.throughput) {
  await writeFile(
    join(resultsDir, "throughput.svg"),
    barChartSvg({
      title: "Tokens/s with stories260K (threads 1 per process, 2 cores)",
      unit: "tokens/s",
      groups: results.throughput.map((entry) => ({
        label: entry.label.replace(/ slots?$/, "s").replace("balancer, ", "bal. "),
        bars: [
          { label: "ours", value: entry.tokensPerSecond },
          { label: "node-llama-cpp direct", value: entry.baselineTokensPerSecond },
        ],
      })),
    }),
  );
  charts.push("throughput.svg");
}
await writeFile(join(resultsDir, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
await writeFile(join(resultsDir, "REPORT.md"), renderReport(results, charts));
// The README's headline table comes from this run too (between its markers); `--quick` and `--only`
// runs leave it alone, their figures are not the report's.
if (!values.quick && !values.only) {
  const readmePath = join(repoRoot, "README.md");
  const updated = withHeadline(await readFile(readmePath, "utf8"), readmeHeadline(results));
  if (updated !== null) {
    await writeFile(readmePath, updated);
    log(`wrote the headline table into ${readmePath}`);
  } else log("README.md has no bench-headline markers: its table was not updated");
}
log(`wrote ${join(resultsDir, "REPORT.md")} in ${results.durations.total?.toFixed(0)} s`);

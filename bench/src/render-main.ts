// `pnpm bench:report`: writes bench/results/REPORT.md again from results.json (the last run's raw
// figures) and the charts beside it, e.g. after the report's wording changed. Measures nothing.
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { resultsDir } from "./lib/repo-paths.js";
import type { BenchResults } from "./report/bench-results.js";
import { renderReport } from "./report/render-report.js";

const results = JSON.parse(await readFile(join(resultsDir, "results.json"), "utf8")) as BenchResults;
const charts = ["overhead.svg", "throughput.svg", "balancer-flame.svg"].filter((name) =>
  existsSync(join(resultsDir, name)),
);
await writeFile(join(resultsDir, "REPORT.md"), renderReport(results, charts));
process.stdout.write(`wrote ${join(resultsDir, "REPORT.md")}\n`);

// `pnpm bench:readme`: writes the README's headline table (between its bench-headline markers) from
// bench/results/results.json, the last run's raw figures. `pnpm bench` does the same at its end.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { repoRoot, resultsDir } from "./lib/repo-paths.js";
import type { BenchResults } from "./report/bench-results.js";
import { readmeHeadline, withHeadline } from "./report/readme-headline.js";

const results = JSON.parse(await readFile(join(resultsDir, "results.json"), "utf8")) as BenchResults;
const readmePath = join(repoRoot, "README.md");
const updated = withHeadline(await readFile(readmePath, "utf8"), readmeHeadline(results));
if (updated === null) {
  process.stderr.write("README.md has no bench-headline markers: nothing written\n");
  process.exit(1);
}
await writeFile(readmePath, updated);
process.stdout.write(`wrote the headline table into ${readmePath}\n`);

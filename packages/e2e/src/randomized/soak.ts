import { writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { randomizedClusterOptions, runSeeds } from "./run-seeds.js";

// `pnpm soak [--minutes 30] [--seed N] [--report soak-report.md]`: the randomized cluster test,
// one drawn sequence after another on one real cluster, until the time is up or an invariant breaks.
const { values } = parseArgs({
  options: {
    minutes: { type: "string", default: "30" },
    seed: { type: "string" },
    report: { type: "string", default: "soak-report.md" },
  },
});
const minutes = Number(values.minutes);
if (!(minutes > 0)) throw new Error(`--minutes: expected a positive number, got '${values.minutes}'`);
const firstSeed = values.seed === undefined ? Math.floor(Math.random() * 1_000_000) : Number(values.seed);
const startedAt = Date.now();
const until = startedAt + minutes * 60_000;

function* seeds(): Generator<number> {
  for (let seed = firstSeed; ; seed++) yield seed;
}

const outcome = await runSeeds({
  seeds: seeds(),
  until,
  log: (line) => console.log(`[soak ${new Date().toISOString()}] ${line}`),
});
const ranMinutes = (Date.now() - startedAt) / 60_000;
const { totals } = outcome;
const report = `# Soak report

- Started: ${new Date(startedAt).toISOString()}; ran ${ranMinutes.toFixed(1)} of ${minutes} minutes asked
- Cluster: one balancer (file state), two agents of ${randomizedClusterOptions.slotsPerAgent} slots, drain timeout ${randomizedClusterOptions.drainTimeoutMs} ms, the test model
- Seeds: ${outcome.seeds.length} sequences, ${outcome.seeds[0] ?? "-"} to ${outcome.seeds.at(-1) ?? "-"}
- Result: ${outcome.failure ? `FAILED at seed ${outcome.failure.seed} (replay: PADDLER_RANDOMIZED_SEEDS=${outcome.failure.seed})` : "clean"}

| operations | requests | cancels | requests under a 1 ms item timeout | reloads | state changes without reload | agent kills | agent garbage collections | balancer restarts | drift healed |
| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |
| ${totals.operations} | ${totals.requests} | ${totals.cancels} | ${totals.tinyItemTimeoutRequests} | ${totals.reloads} | ${totals.stateChangesWithoutReload} | ${totals.kills} | ${totals.garbageCollections} | ${totals.balancerRestarts} | ${outcome.driftHealed} |
${outcome.failure ? `\n## Failure\n\n\`\`\`\n${outcome.failure.message}\n\`\`\`\n` : ""}`;
const path = resolve(process.env.INIT_CWD ?? process.cwd(), values.report);
await writeFile(path, report);
console.log(report);
console.log(`report written to ${path}`);
process.exit(outcome.failure ? 1 : 0);

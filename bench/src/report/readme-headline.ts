import type { BenchResults } from "./bench-results.js";
import { goals } from "./goals.js";

export const HEADLINE_START = "<!-- bench-headline:start (written by `pnpm bench` / `pnpm bench:readme`) -->";
export const HEADLINE_END = "<!-- bench-headline:end -->";

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

/**
 * The README's headline table: every goal of the run with what was measured and whether it was
 * met, and the conditions (machine, load) that say how far to trust the absolute figures.
 */
export function readmeHeadline(results: BenchResults): string {
  const { machine } = results;
  const load = machine.loadAverage;
  const busy = load !== undefined && load > machine.cores;
  const lines = [
    `Headline from the last run (${machine.date.slice(0, 10)}, ${machine.cores} cores, ${machine.cpuModel}, Node ${machine.node}${
      load !== undefined ? `, load average ${load} at the start` : ""
    }${busy ? ": a busy machine, so absolute figures are inflated; read the ratios" : ""}; full report in [bench/results/REPORT.md](bench/results/REPORT.md)):`,
    "",
    "| goal | measured | met |",
    "|---|---|---|",
  ];
  for (const goal of goals(results))
    lines.push(
      `| ${cell(goal.goal)} | ${cell(goal.measured)} | ${goal.met === null ? "not measured" : goal.met ? "yes" : "**missed**"} |`,
    );
  if (results.problems.length > 0)
    lines.push("", `Not measured in that run: ${results.problems.map(cell).join("; ")}.`);
  return lines.join("\n");
}

/** README text with the block between the markers replaced; null when the markers are missing. */
export function withHeadline(readme: string, headline: string): string | null {
  const start = readme.indexOf(HEADLINE_START);
  const end = readme.indexOf(HEADLINE_END);
  if (start < 0 || end < start) return null;
  return `${readme.slice(0, start + HEADLINE_START.length)}\n${headline}\n${readme.slice(end)}`;
}

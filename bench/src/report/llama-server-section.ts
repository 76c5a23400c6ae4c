import {
  type LlamaServerEnginesRow,
  llamaServerBuiltInLabel,
  llamaServerDirectLabel,
  llamaServerManagedLabel,
} from "../benches/llama-server-engines-bench.js";

/** One goal row of the report, in render-report's shape. */
interface LlamaServerGoal {
  goal: string;
  measured: string;
  met: boolean | null;
  why: string;
}

const goalText = "balancer + agent ≥ 0.9× of llama-server called directly";
const spread = (row: LlamaServerEnginesRow) =>
  row.rounds && row.rounds.length > 1
    ? ` (rounds ${Math.min(...row.rounds).toFixed(0)}–${Math.max(...row.rounds).toFixed(0)})`
    : "";

/**
 * Issue 14's goal: the managed llama-server engine behind the balancer against llama-server alone,
 * same run and slots; the built-in engine's ratio is named beside it for comparison (another
 * engine, not the balancer's cost). Before the bench has run: one row saying how to run it.
 */
export function llamaServerGoals(rows: readonly LlamaServerEnginesRow[]): LlamaServerGoal[] {
  const direct = rows.find((row) => row.label === llamaServerDirectLabel);
  const managed = rows.find((row) => row.label === llamaServerManagedLabel);
  if (!direct || !managed)
    return [
      {
        goal: goalText,
        measured:
          "not measured in this run: `pnpm bench` runs it (alone: `pnpm bench --only llama-server`), with scripts/build-llama-server.sh's binary built first",
        met: null,
        why: "",
      },
    ];
  const perToken = 1000 / (direct.tokensPerSecond / (direct.slots ?? 1));
  const builtIn = rows.find((row) => row.label === llamaServerBuiltInLabel);
  const compared = builtIn ? ` (built-in node-llama-cpp engine: ${builtIn.ratio.toFixed(2)}×)` : "";
  const list: LlamaServerGoal[] = [
    {
      goal: `${goalText} (managed llama-server engine)`,
      measured: `${managed.tokensPerSecond.toFixed(0)} against ${direct.tokensPerSecond.toFixed(0)} tokens/s = ${managed.ratio.toFixed(2)}×${compared}`,
      met: managed.ratio >= 0.9,
      why:
        managed.ratio >= 0.9
          ? ""
          : `missed by ${(0.9 - managed.ratio).toFixed(2)}×: llama-server makes a stories260K token in ~${perToken.toFixed(2)} ms per stream here; through Paddler each token also crosses the agent (llama-server's SSE parsed, a frame sent) and the balancer (dispatched to the client), and on 2 shared cores those processes take CPU from the server itself (not profiled apart). With a real model (tens of ms per token) that fixed cost is a small share`,
    },
  ];
  return list;
}

/** The table of the three paths, with each ratio against llama-server in the same run. */
export function llamaServerSection(rows: readonly LlamaServerEnginesRow[]): string[] {
  const first = rows[0];
  if (!first) return [];
  const lines = [
    "## llama-server engines (issue 14)",
    "",
    `stories260K, threads 1 per process, ${first.slots ?? 2} slots, ${first.slots ?? 2} concurrent raw-prompt requests of ${first.maxTokens ?? 128} tokens, three waves a round, median of the rounds; the three paths take turns in each round so machine noise hits them alike. llama-server alone is what a user would run instead of Paddler. Also written to [llama-server-engines.md](llama-server-engines.md).`,
    "",
    "| path | tokens/s | vs llama-server |",
    "| --- | --- | --- |",
  ];
  for (const row of rows)
    lines.push(
      `| ${row.label} | ${row.tokensPerSecond.toFixed(0)}${spread(row)} | ${(row.ratio * 100).toFixed(0)}% |`,
    );
  return lines;
}

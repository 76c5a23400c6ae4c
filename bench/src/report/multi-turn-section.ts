import type { MultiTurnRow } from "../benches/multi-turn-chat-bench.js";

const pct = (value: number) => `${(value * 100).toFixed(0)}%`;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** The multi-turn chat bench: what each pool policy did to cache reuse, prefill and latency. */
export function multiTurnSection(rows: readonly MultiTurnRow[]): string[] {
  const first = rows[0];
  if (!first) return [];
  const lines = [
    "## Multi-turn chat: pool policies",
    "",
    `Each user shares one system prompt and grows a conversation turn by turn (${first.turns} turns, ${first.slotsPerAgent} slots per agent, as many users as slots, a random 0-3 s pause between turns, OpenAI streaming chat with the real model). The policies run one after another on the same cluster, each with its own system prompt, so caches left by one never help the next. Cached = the agents' \`cached_tokens\`; prefill = prompt tokens computed; TTFT measured by the client.`,
    "",
    "| agents | policy | requests (failed) | prompt tokens cached | prefill tokens | TTFT p50 | TTFT p90 | tokens/s |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const row of rows)
    lines.push(
      `| ${row.agents} | ${row.policy} | ${row.requests} (${row.failed}) | ${pct(row.cacheFraction)} | ${row.prefillTokens} | ${s(row.ttftP50Ms)} | ${s(row.ttftP90Ms)} | ${row.tokensPerSecond.toFixed(1)} |`,
    );
  const failures = [...new Set(rows.flatMap((row) => row.failures))];
  if (failures.length > 0) lines.push("", `Failures: ${failures.join("; ")}`);
  const goals = multiTurnGoals(rows);
  if (goals.length > 0) lines.push("", "Goals (issue 15), per agent count:", "", ...goals);
  return lines;
}

/**
 * The goals, judged per agent count: prefix_affinity serves at least 80% of prompt tokens
 * from cache (least busy gets about 1/N), its p90 time to first token is at least 2x lower than
 * least busy's, without losing throughput (what would make it the default for new pools).
 */
export function multiTurnGoals(rows: readonly MultiTurnRow[]): string[] {
  const lines: string[] = [];
  for (const agents of [...new Set(rows.map((row) => row.agents))]) {
    const of = (policy: MultiTurnRow["policy"]) =>
      rows.find((row) => row.agents === agents && row.policy === policy);
    const affinity = of("prefix_affinity");
    const leastBusy = of("least_busy");
    if (!affinity || !leastBusy) continue;
    const mark = (met: boolean) => (met ? "✅" : "❌");
    const cacheMet = affinity.cacheFraction >= 0.8;
    const ttftRatio = affinity.ttftP90Ms > 0 ? leastBusy.ttftP90Ms / affinity.ttftP90Ms : 0;
    const throughputRatio =
      leastBusy.tokensPerSecond > 0 ? affinity.tokensPerSecond / leastBusy.tokensPerSecond : 0;
    lines.push(
      `- ${agents} agents: ${mark(cacheMet)} prompt tokens from cache with prefix_affinity ${pct(affinity.cacheFraction)} (goal ≥ 80%; least_busy ${pct(leastBusy.cacheFraction)}, 1/N = ${pct(1 / agents)}); ` +
        `${mark(ttftRatio >= 2)} TTFT p90 ${ttftRatio.toFixed(2)}× lower than least_busy's (goal ≥ 2×: ${s(affinity.ttftP90Ms)} vs ${s(leastBusy.ttftP90Ms)}); ` +
        `${mark(throughputRatio >= 0.95)} tokens/s ${throughputRatio.toFixed(2)}× least_busy's (no loss: ≥ 0.95×)` +
        (affinity.failed + leastBusy.failed > 0
          ? `; ${affinity.failed + leastBusy.failed} failed requests`
          : ""),
    );
  }
  return lines;
}

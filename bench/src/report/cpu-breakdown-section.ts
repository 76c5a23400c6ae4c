import type { ProfilePhase } from "../benches/profile-bench.js";
import { type CpuCategory, cpuCategories } from "../profile/cpu-categories.js";

// A difference that rounds to zero prints as 0, not -0.
const fixed = (value: number, digits: number) => {
  const text = value.toFixed(digits);
  return Number(text) === 0 ? (0).toFixed(digits) : text;
};
const us = (value: number) => (Number.isFinite(value) ? `${fixed(value, 0)} µs` : "n/a");
const us1 = (value: number) => (Number.isFinite(value) ? `${fixed(value, 1)} µs` : "n/a");
const pct = (value: number) => (Number.isFinite(value) ? `${(value * 100).toFixed(0)}%` : "n/a");
const sum = (values: Record<CpuCategory, number>) =>
  cpuCategories.reduce((total, category) => total + values[category], 0);

const phase = (phases: readonly ProfilePhase[], route: ProfilePhase["route"], tokens: number) =>
  phases.find((entry) => entry.route === route && entry.tokens === tokens);

/** µs per further token by category: (256-token stream − 16-token stream) / 240, NDJSON. */
export function perTokenByCategory(phases: readonly ProfilePhase[]): Record<CpuCategory, number> | null {
  const short = phase(phases, "ndjson", 16);
  const long = phase(phases, "ndjson", 256);
  if (!short || !long) return null;
  const span = long.tokens - short.tokens;
  return Object.fromEntries(
    cpuCategories.map((category) => [
      category,
      (long.usPerStream[category] - short.usPerStream[category]) / span,
    ]),
  ) as Record<CpuCategory, number>;
}

/** The profile's categories as a table of µs per stream and per token. */
export function cpuBreakdownSection(phases: readonly ProfilePhase[]): string[] {
  const ndjson16 = phase(phases, "ndjson", 16);
  const openai16 = phase(phases, "openai", 16);
  const ndjson256 = phase(phases, "ndjson", 256);
  const perToken = perTokenByCategory(phases);
  const cell = (entry: ProfilePhase | undefined, category: CpuCategory) =>
    entry ? us(entry.usPerStream[category]) : "n/a";
  const lines = [
    "### CPU per stream and per token by category",
    "",
    "Each load above was also run once without the profiler just before its profiled run; that run's balancer CPU per stream (/proc, all threads) is split here by the categories' shares of the profile's busy samples. A sample belongs to the innermost frame on its stack that a category's rule matches (`bench/src/profile/cpu-categories.ts`): so `writev` under Node's HTTP response counts as a kernel write and not as HTTP; `writev` under the ws sender is a kernel write to an agent (frames an agent socket sends in one turn leave together when its cork is lifted, outside the sender, so those count as kernel socket writes); zod and the JSON limits under `parseAgentFrame` count as agent frames in, elsewhere as request validation; a native frame no rule names (llhttp's `execute`) takes its caller's category. Per token = (256-token − 16-token NDJSON stream) / 240; per request = the 16-token stream less 16 tokens. Small categories swing by tens of µs between runs on a shared machine.",
    "",
    "| category | NDJSON, per 16-token stream | OpenAI SSE, per 16-token stream | NDJSON, per 256-token stream | NDJSON, per token | NDJSON, per request apart from tokens |",
    "| --- | --- | --- | --- | --- | --- |",
  ];
  for (const category of cpuCategories) {
    const token = perToken ? perToken[category] : Number.NaN;
    const request = ndjson16 ? ndjson16.usPerStream[category] - 16 * token : Number.NaN;
    lines.push(
      `| ${category} | ${cell(ndjson16, category)} | ${cell(openai16, category)} | ${cell(ndjson256, category)} | ${us1(token)} | ${us(request)} |`,
    );
  }
  const totalToken = perToken ? sum(perToken) : Number.NaN;
  const total = (entry: ProfilePhase | undefined) => (entry ? `**${us(sum(entry.usPerStream))}**` : "n/a");
  lines.push(
    `| **total (/proc, unprofiled)** | ${total(ndjson16)} | ${total(openai16)} | ${total(ndjson256)} | **${us1(totalToken)}** | **${ndjson16 ? us(sum(ndjson16.usPerStream) - 16 * totalToken) : "n/a"}** |`,
  );
  const info = (label: string, value: (entry: ProfilePhase) => string) =>
    `| ${label} | ${[ndjson16, openai16, ndjson256].map((entry) => (entry ? value(entry) : "n/a")).join(" | ")} | | |`;
  lines.push(
    info("/proc CPU per stream while profiled", (entry) => us(entry.profiledCpuUsPerStream)),
    info("streams profiled (errors)", (entry) => `${entry.streams} (${entry.errors})`),
    info("busy share of the samples", (entry) => pct(entry.busyShare)),
  );
  return lines;
}

/** The heaviest categories of a split, scaled to `total` µs: "280 µs kernel socket writes (33%), …". */
function heaviest(split: Record<CpuCategory, number>, total: number, count: number, digits: number): string {
  // A slope or a difference can come out slightly negative for a category (noise): the shares are
  // of the positive parts.
  const whole = cpuCategories.reduce((all, category) => all + Math.max(0, split[category]), 0);
  return cpuCategories
    .map((category) => ({ category, share: whole > 0 ? split[category] / whole : 0 }))
    .filter((entry) => entry.share > 0)
    .sort((a, b) => b.share - a.share)
    .slice(0, count)
    .map((entry) => `${(entry.share * total).toFixed(digits)} µs ${entry.category} (${pct(entry.share)})`)
    .join(", ");
}

/**
 * A missed per-stream goal's "why" from the profile: the measured µs per stream split by the
 * profile's category shares of the same route (16-token streams).
 */
export function streamWhy(
  phases: readonly ProfilePhase[],
  route: ProfilePhase["route"],
  measuredUs: number,
): string | null {
  const entry = phase(phases, route, 16);
  if (!entry || !Number.isFinite(measuredUs)) return null;
  const name = route === "openai" ? "OpenAI SSE" : "NDJSON";
  return `of ${us(measuredUs)} per 16-token ${name} stream, by the profile's shares: ${heaviest(entry.usPerStream, measuredUs, 5, 0)}`;
}

/** A missed per-token goal's "why": the NDJSON route's µs per token split by the profile's slope. */
export function tokenWhy(phases: readonly ProfilePhase[], measuredUs: number): string | null {
  const perToken = perTokenByCategory(phases);
  if (!perToken || !Number.isFinite(measuredUs)) return null;
  return `on the NDJSON route, of ${us1(measuredUs)} per token, by the profile's slope (16 to 256 tokens): ${heaviest(perToken, measuredUs, 5, 1)}`;
}

/** The NDJSON route's µs per request apart from its tokens, split like the table's last column. */
export function requestWhy(phases: readonly ProfilePhase[], measuredUs: number): string | null {
  const short = phase(phases, "ndjson", 16);
  const perToken = perTokenByCategory(phases);
  if (!short || !perToken || !Number.isFinite(measuredUs)) return null;
  const split = Object.fromEntries(
    cpuCategories.map((category) => [category, short.usPerStream[category] - 16 * perToken[category]]),
  ) as Record<CpuCategory, number>;
  return `of the ${us(measuredUs)} of balancer CPU per NDJSON request apart from its tokens, by the profile's shares: ${heaviest(split, measuredUs, 5, 0)}`;
}

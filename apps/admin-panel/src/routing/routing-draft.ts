import type { FleetSettings } from "@paddler/client";
import { isPaddlerError } from "@paddler/client";
import { describeZodError } from "@paddler/protocol";
import { ZodError } from "zod";

/** One alias row as edited: a model name and the pool it routes to. */
export interface AliasRow {
  name: string;
  pool: string;
}

/** One routing rule as edited: a regular expression over the whole model name, and its pool. */
export interface RuleRow {
  pattern: string;
  pool: string;
}

/**
 * What the routing editor holds until it is saved. Aliases are rows (not a record) so that one can
 * be renamed, and a half-typed duplicate shown, without losing the other.
 */
export interface RoutingDraft {
  aliases: AliasRow[];
  rules: RuleRow[];
  /** "" for none: a model that matches nothing gets 404 model_not_found. */
  fallback: string;
}

export function routingDraftOf(settings: FleetSettings): RoutingDraft {
  return {
    aliases: Object.entries(settings.aliases)
      .map(([name, pool]) => ({ name, pool }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    rules: settings.rules.map((rule) => ({ ...rule })),
    fallback: settings.fallback_pool ?? "",
  };
}

/** A problem the editor finds before sending anything, in the API's `{field, reason}` terms. */
export interface RoutingProblem {
  field: string;
  reason: string;
}

/** Duplicate alias names would silently collapse into one record key: refuse them here. */
export function draftProblems(draft: RoutingDraft): RoutingProblem[] {
  const problems: RoutingProblem[] = [];
  const seen = new Set<string>();
  for (const [index, alias] of draft.aliases.entries()) {
    const name = alias.name.trim();
    if (name === "") problems.push({ field: `aliases.${index}`, reason: "an alias needs a model name" });
    else if (seen.has(name)) problems.push({ field: `aliases.${name}`, reason: "appears more than once" });
    seen.add(name);
  }
  return problems;
}

/**
 * The settings to store: the draft's aliases, rules and fallback over `base`, the latest stored
 * settings, so policies and agent moves changed meanwhile (the policy selects write them too) stay.
 */
export function applyRoutingDraft(base: FleetSettings, draft: RoutingDraft): FleetSettings {
  return {
    ...base,
    aliases: Object.fromEntries(draft.aliases.map((alias) => [alias.name.trim(), alias.pool])),
    rules: draft.rules.map((rule) => ({ pattern: rule.pattern, pool: rule.pool })),
    fallback_pool: draft.fallback === "" ? null : draft.fallback,
  };
}

/** Moves one row up (-1) or down (+1); out of range leaves the list as it was. */
export function moveRow<T>(rows: readonly T[], index: number, delta: -1 | 1): T[] {
  const target = index + delta;
  const moved = [...rows];
  const [row] = moved.splice(index, 1);
  if (row === undefined || target < 0 || target > rows.length - 1) return [...rows];
  moved.splice(target, 0, row);
  return moved;
}

/**
 * The `{field, reason}` problems in a failed save: the balancer's 400 body (`error.issues`), or
 * the client's own check of the same schema before sending (its cause is the ZodError). Empty when
 * the error says nothing per field.
 */
export function savingProblems(error: unknown): RoutingProblem[] {
  if (!isPaddlerError(error)) return [];
  if (error.code === "invalid_request" && error.cause instanceof ZodError)
    return describeZodError(error.cause);
  if (error.code !== "http_error" || typeof error.body !== "object" || error.body === null) return [];
  const issues: unknown = Reflect.get(Reflect.get(error.body, "error") ?? {}, "issues");
  if (!Array.isArray(issues)) return [];
  return issues.flatMap((issue: unknown) =>
    typeof issue === "object" &&
    issue !== null &&
    typeof Reflect.get(issue, "field") === "string" &&
    typeof Reflect.get(issue, "reason") === "string"
      ? [{ field: String(Reflect.get(issue, "field")), reason: String(Reflect.get(issue, "reason")) }]
      : [],
  );
}

/** Which row a problem's field names: `rules.2.pattern` is rule 2, `aliases.gpt` the alias `gpt`. */
export function problemRow(
  field: string,
  draft: RoutingDraft,
): { kind: "rule" | "alias"; index: number } | { kind: "fallback" } | null {
  const rule = /^rules\.(\d+)(?:\.|$)/.exec(field);
  if (rule) return { kind: "rule", index: Number(rule[1]) };
  if (field === "fallback_pool") return { kind: "fallback" };
  const alias = /^aliases\.(.+)$/.exec(field);
  if (!alias) return null;
  const key = alias[1] ?? "";
  const byName = draft.aliases.findIndex((row) => row.name.trim() === key);
  if (byName >= 0) return { kind: "alias", index: byName };
  // The editor's own problems name an unnamed alias by its row.
  return /^\d+$/.test(key) ? { kind: "alias", index: Number(key) } : null;
}

/** A problem in words that name the row as the page shows it ("Rule 2 (`[a-`)", 1-based). */
export function describeProblem(problem: RoutingProblem, draft: RoutingDraft): string {
  const row = problemRow(problem.field, draft);
  if (row === null) return problem.field ? `${problem.field}: ${problem.reason}` : problem.reason;
  if (row.kind === "fallback") return `Fallback pool: ${problem.reason}`;
  if (row.kind === "rule") {
    const pattern = draft.rules[row.index]?.pattern;
    return `Rule ${row.index + 1}${pattern === undefined ? "" : ` (${pattern})`} ${problem.field.endsWith(".pool") ? "pool " : ""}${problem.reason}`;
  }
  const name = draft.aliases[row.index]?.name.trim();
  return `Alias ${name ? `'${name}'` : row.index + 1} ${problem.reason}`;
}

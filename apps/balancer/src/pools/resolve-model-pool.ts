import { DEFAULT_MODEL_POOL, type FleetSettings, type ModelPoolName } from "@paddler/protocol";

export type ModelMatch =
  | { pool: ModelPoolName; by: "name" | "alias" | "model_file" | "fallback" | "only_pool" }
  | { pool: ModelPoolName; by: "rule"; rule: number };

/**
 * Which pool serves a model name: the pool of that exact name, then an alias, then the pool whose
 * model file has that id (what `/v1/models` showed before pools), then the first routing rule whose
 * regular expression matches the whole name (as llama-balancer's fullmatch), then the fallback
 * pool. With no fallback set and only the default pool, every name goes there, as in Paddler,
 * which serves one model whatever `model` says. Null when none applies.
 */
export function resolveModelPool(
  model: string,
  settings: FleetSettings,
  pools: ReadonlyMap<ModelPoolName, string | null>,
): ModelMatch | null {
  if (pools.has(model)) return { pool: model, by: "name" };
  const alias = settings.aliases[model];
  if (alias !== undefined && pools.has(alias)) return { pool: alias, by: "alias" };
  for (const [pool, modelFile] of pools) if (modelFile === model) return { pool, by: "model_file" };
  for (const [index, rule] of settings.rules.entries()) {
    if (pools.has(rule.pool) && compiledRule(rule.pattern).test(model))
      return { pool: rule.pool, by: "rule", rule: index };
  }
  if (settings.fallback_pool !== null && pools.has(settings.fallback_pool))
    return { pool: settings.fallback_pool, by: "fallback" };
  if (settings.fallback_pool === null && pools.size === 1 && pools.has(DEFAULT_MODEL_POOL))
    return { pool: DEFAULT_MODEL_POOL, by: "only_pool" };
  return null;
}

const compiled = new Map<string, RegExp>();

/** Patterns were validated when stored; compiled ones are kept (bounded) as rules rarely change. */
function compiledRule(pattern: string): RegExp {
  let regex = compiled.get(pattern);
  if (!regex) {
    if (compiled.size >= 1000) compiled.clear();
    regex = new RegExp(`^(?:${pattern})$`, "u");
    compiled.set(pattern, regex);
  }
  return regex;
}

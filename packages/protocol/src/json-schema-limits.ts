import { type JsonLimits, parseJsonWithLimits } from "./json-limits.js";

/**
 * How complex a JSON schema (a tool's parameters, a response format) may be. The agent turns it
 * into a grammar recursively and expands length and count bounds into repetitions, so both the
 * nesting and the numbers are bounded; real schemas stay far below these.
 */
export const jsonSchemaLimits = Object.freeze({
  /** Nesting of arrays and objects in the schema document itself. */
  maxDepth: 64,
  /** Arrays, objects and values in the schema document. */
  maxNodes: 20_000,
  /** Largest value of a count or length keyword (maxLength, minItems…). */
  maxBound: 10_000,
});

const boundKeywords = new Set([
  "minLength",
  "maxLength",
  "minItems",
  "maxItems",
  "minProperties",
  "maxProperties",
  "minContains",
  "maxContains",
]);

/**
 * The first complexity limit a JSON schema value breaks, or null. Walks with an explicit stack so
 * that even a value built past the limits elsewhere cannot overflow this check.
 */
export function exceedsJsonSchemaLimits(schema: unknown): string | null {
  const stack: { value: unknown; depth: number }[] = [{ value: schema, depth: 0 }];
  let nodes = 0;
  for (let next = stack.pop(); next; next = stack.pop()) {
    nodes++;
    if (nodes > jsonSchemaLimits.maxNodes) return `has more than ${jsonSchemaLimits.maxNodes} nodes`;
    const { value, depth } = next;
    if (typeof value !== "object" || value === null) continue;
    if (depth >= jsonSchemaLimits.maxDepth) return `nests deeper than ${jsonSchemaLimits.maxDepth} levels`;
    const entries = Array.isArray(value) ? value.entries() : Object.entries(value);
    for (const [key, child] of entries) {
      if (
        typeof key === "string" &&
        boundKeywords.has(key) &&
        typeof child === "number" &&
        child > jsonSchemaLimits.maxBound
      )
        return `sets ${key} to ${child}; the limit is ${jsonSchemaLimits.maxBound}`;
      stack.push({ value: child, depth: depth + 1 });
    }
  }
  return null;
}

/**
 * The same for a schema sent as JSON text (Paddler's `json_schema` grammar). Text that is not JSON
 * passes: the agent answers it with Paddler's in-band GrammarSyntaxError.
 */
export function exceedsJsonSchemaTextLimits(text: string): string | null {
  const limits: JsonLimits = { maxDepth: jsonSchemaLimits.maxDepth, maxValues: jsonSchemaLimits.maxNodes };
  const parsed = parseJsonWithLimits(text, limits);
  if (!parsed.ok) return parsed.kind === "limit" ? parsed.reason.replace(/^JSON /, "") : null;
  return exceedsJsonSchemaLimits(parsed.value);
}

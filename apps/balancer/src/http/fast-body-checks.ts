/**
 * The checks the hand-written fast paths share (agent token frames, the common request bodies):
 * each is exactly what the matching zod check accepts, for values that came from JSON.parse.
 */

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Whether every own key of `value` is in `allowed` (JSON.parse objects have no inherited ones). */
export function hasOnlyKeys(value: Record<string, unknown>, allowed: ReadonlySet<string>): boolean {
  for (const key in value) if (!allowed.has(key)) return false;
  return true;
}

export function countKeys(value: Record<string, unknown>): number {
  let keys = 0;
  for (const _ in value) keys++;
  return keys;
}

/** `z.number().int().min(min)`: zod's int is a safe integer. */
export function isIntegerAtLeast(value: unknown, min: number): boolean {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= min;
}

/** `.nullish()` around a check: absent, null, or what the check accepts. */
export function nullishOr(value: unknown, check: (present: unknown) => boolean): boolean {
  return value === undefined || value === null || check(value);
}

export const isBoolean = (value: unknown): boolean => typeof value === "boolean";

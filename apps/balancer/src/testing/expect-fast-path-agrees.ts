import fc from "fast-check";
import { expect } from "vitest";
import type { z } from "zod";

/**
 * Holds a hand-written fast path to its zod schema: on every generated body the fast path takes,
 * the schema accepts it and parses it to the same value. The generator must reach the fast path
 * often enough (over 100 of 5,000 bodies) for the comparison to mean something.
 */
export function expectFastPathAgrees(
  fast: (body: unknown) => unknown,
  schema: z.ZodType,
  bodies: fc.Arbitrary<unknown>,
): void {
  let taken = 0;
  fc.assert(
    fc.property(bodies, (candidate) => {
      const quick = fast(candidate);
      if (quick === null) return;
      taken++;
      const parsed = schema.safeParse(candidate);
      expect(parsed.success).toBe(true);
      expect(quick).toEqual(parsed.data);
    }),
    { numRuns: 5000 },
  );
  expect(taken).toBeGreaterThan(100);
}

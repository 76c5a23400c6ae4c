import { parseArgs } from "node:util";
import type { FlagDefinition } from "./flag-definition.js";

export type FlagToken = NonNullable<ReturnType<typeof parseArgs>["tokens"]>[number];

/**
 * Splits argv into tokens as the flag table sees it. Non-strict, so that every mistake can be
 * reported by `readFlags` in our words, naming the flag.
 */
export function tokenizeFlags(argv: readonly string[], flags: readonly FlagDefinition[]): FlagToken[] {
  const options = Object.fromEntries(
    flags.map((flag) => [
      flag.name,
      {
        type: flag.valueName ? ("string" as const) : ("boolean" as const),
        multiple: flag.repeatable ?? false,
        ...(flag.short ? { short: flag.short } : {}),
      },
    ]),
  );
  return parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true }).tokens;
}

import type { FlagDefinition } from "./flag-definition.js";
import { tokenizeFlags } from "./tokenize-flags.js";

/**
 * True when argv asks for `--help`/`-h`, checked before validation so that help works even when
 * required flags are missing. Tokenizing (rather than scanning for the word) keeps `--name --help`
 * meaning what the parser will make of it.
 */
export function isHelpRequested(argv: readonly string[], flags: readonly FlagDefinition[]): boolean {
  return tokenizeFlags(argv, flags).some((token) => token.kind === "option" && token.name === "help");
}

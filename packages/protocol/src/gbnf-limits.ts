/**
 * How complex a client's GBNF grammar may be. llama.cpp parses GBNF with recursive descent in
 * native code (a grammar nested 20,000 parentheses deep overflows its stack and kills the agent)
 * and expands `{m,n}` repetitions into copies (a huge bound eats memory and time). These bounds sit
 * far above any hand-written or generated grammar.
 */
export const gbnfLimits = Object.freeze({
  maxChars: 256 * 1024,
  /** Nesting of `(` groups. */
  maxDepth: 64,
  /** Rules (`name ::= …`). */
  maxRules: 4096,
  /** Largest single `{m,n}` bound. */
  maxRepetition: 10_000,
  /** Sum of all `{m,n}` bounds: what llama.cpp will copy in all. */
  maxTotalRepetition: 100_000,
});

const digits = /\d+/y;

/**
 * The first complexity limit a GBNF grammar breaks, or null. A lexical scan (string literals,
 * character classes and comments skipped, as llama.cpp reads them), not a parser: syntax errors
 * are left to llama.cpp, which reports them; this only keeps it from being fed a bomb.
 */
export function exceedsGbnfLimits(grammar: string): string | null {
  if (grammar.length > gbnfLimits.maxChars)
    return `is ${grammar.length} characters long; the limit is ${gbnfLimits.maxChars}`;
  let depth = 0;
  let rules = 0;
  let totalRepetition = 0;
  const length = grammar.length;
  for (let index = 0; index < length; index++) {
    const char = grammar[index];
    if (char === '"' || char === "[") {
      const close = char === '"' ? '"' : "]";
      for (index++; index < length; index++) {
        if (grammar[index] === "\\") index++;
        else if (grammar[index] === close) break;
      }
    } else if (char === "#") {
      while (index < length && grammar[index] !== "\n" && grammar[index] !== "\r") index++;
    } else if (char === "(") {
      depth++;
      if (depth > gbnfLimits.maxDepth) return `nests groups deeper than ${gbnfLimits.maxDepth} levels`;
    } else if (char === ")") {
      depth--;
    } else if (char === ":" && grammar.startsWith("::=", index)) {
      rules++;
      if (rules > gbnfLimits.maxRules) return `has more than ${gbnfLimits.maxRules} rules`;
      index += 2;
    } else if (char === "{") {
      // A repetition: {m}, {m,}, {m,n}. Each bound counts.
      for (index++; index < length && grammar[index] !== "}"; index++) {
        digits.lastIndex = index;
        const match = digits.exec(grammar);
        if (!match) continue;
        const bound = Number(match[0]);
        if (bound > gbnfLimits.maxRepetition)
          return `repeats ${bound} times; the limit is ${gbnfLimits.maxRepetition}`;
        totalRepetition += bound;
        if (totalRepetition > gbnfLimits.maxTotalRepetition)
          return `repeats more than ${gbnfLimits.maxTotalRepetition} times in all`;
        index += match[0].length - 1;
      }
    }
  }
  return null;
}

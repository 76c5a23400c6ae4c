// Ported from llama.cpp's common/json-schema-to-grammar.cpp (MIT, © the ggml authors), with
// `\d`, `\w` and `\s` added (llama.cpp's converter gives up on them and accepts any string).
import { buildRepetition } from "./build-repetition.js";

/** A valid regular expression that GBNF cannot express; the string then accepts anything. */
export class UnsupportedPatternError extends Error {
  override readonly name = "UnsupportedPatternError";
}
/** Not a regular expression at all: the schema is refused. */
export class InvalidPatternError extends Error {
  override readonly name = "InvalidPatternError";
}

const nonLiteral = new Set([..."|.()[]{}*+?^$"]);
const escapedInRegexpsOnly = new Set([..."^$.[]()|{}*+?"]);
const shorthands: Record<string, string> = { d: "0-9", w: "a-zA-Z0-9_", s: " \\t\\n\\r" };
const maxDepth = 100;

function escapeLength(pattern: string, at: number): number {
  if (at + 1 >= pattern.length || pattern[at] !== "\\") return 0;
  const next = pattern[at + 1] as string;
  const hex = next === "x" ? 2 : next === "u" ? 4 : next === "U" ? 8 : 0;
  if (hex === 0) return 't r n \\ " [ ] -'.split(" ").includes(next) ? 2 : 0;
  if (at + 2 + hex > pattern.length) return 0;
  return /^[0-9a-fA-F]+$/.test(pattern.slice(at + 2, at + 2 + hex)) ? 2 + hex : 0;
}

type Piece = [text: string, isLiteral: boolean];

/**
 * The body of a GBNF rule for a JSON string matching `pattern` (which must be anchored with `^`
 * and `$`, as llama.cpp requires). `addRule` registers helper rules and returns their names.
 */
export function patternToRule(
  pattern: string,
  name: string,
  addRule: (name: string, body: string) => string,
) {
  if (pattern.length < 2 || !pattern.startsWith("^") || !pattern.endsWith("$"))
    throw new UnsupportedPatternError("not anchored with '^' and '$'");
  const sub = pattern.slice(1, -1);
  const subRuleIds = new Map<string, string>();
  let i = 0;
  let depth = 0;
  const toRule = ([text, isLiteral]: Piece) => (isLiteral ? `"${text}"` : text);

  const transform = (): Piece => {
    const seq: Piece[] = [];
    const joinSeq = (): Piece => {
      const out: Piece[] = [];
      let literal = "";
      for (const piece of seq) {
        if (piece[1]) literal += piece[0];
        else {
          if (literal) out.push([literal, true]);
          literal = "";
          out.push(piece);
        }
      }
      if (literal) out.push([literal, true]);
      return [out.map(toRule).join(" "), false];
    };
    while (i < sub.length) {
      const c = sub[i] as string;
      if (c === ".") {
        seq.push([addRule("dot", "[^\\x0A\\x0D]"), false]);
        i++;
      } else if (c === "(") {
        i++;
        if (sub[i] === "?") {
          if (sub[i + 1] === ":") i += 2;
          else throw new UnsupportedPatternError("unsupported group syntax");
        }
        if (++depth > maxDepth) throw new UnsupportedPatternError("pattern nesting too deep");
        seq.push([`(${toRule(transform())})`, false]);
      } else if (c === ")") {
        i++;
        if (depth === 0) throw new InvalidPatternError("unbalanced parentheses");
        depth--;
        return joinSeq();
      } else if (c === "^" || c === "$") {
        throw new UnsupportedPatternError("anchor inside the pattern");
      } else if (c === "[") {
        let brackets = "[";
        i++;
        while (i < sub.length && sub[i] !== "]") {
          if (sub[i] === "\\") {
            const shorthand = shorthands[sub[i + 1] ?? ""];
            if (shorthand) {
              brackets += shorthand;
              i += 2;
              continue;
            }
            const length = escapeLength(sub, i);
            if (length === 0)
              throw new UnsupportedPatternError(
                `unsupported escape in character class: ${sub.slice(i, i + 2)}`,
              );
            brackets += sub.slice(i, i + length);
            i += length;
          } else {
            brackets += sub[i];
            i++;
          }
        }
        if (i >= sub.length) throw new InvalidPatternError("unterminated character class");
        seq.push([`${brackets}]`, false]);
        i++;
      } else if (c === "|") {
        seq.push(["|", false]);
        i++;
      } else if (c === "*" || c === "+" || c === "?") {
        const last = seq.at(-1);
        if (!last) throw new InvalidPatternError("nothing to repeat");
        seq[seq.length - 1] = [toRule(last) + c, false];
        i++;
      } else if (c === "{") {
        const close = sub.indexOf("}", i);
        if (close === -1) throw new UnsupportedPatternError("unterminated curly brackets");
        const numbers = sub.slice(i + 1, close).split(",");
        i = close + 1;
        if (numbers.length !== 1 && numbers.length !== 2)
          throw new UnsupportedPatternError("wrong number of values in curly brackets");
        if (!numbers.every((n) => /^\d*$/.test(n)))
          throw new UnsupportedPatternError("invalid number in curly brackets");
        const [first = "", second] = numbers;
        const min = first === "" ? 0 : Number(first);
        const max = second === undefined ? min : second === "" ? Number.POSITIVE_INFINITY : Number(second);
        const last = seq.at(-1);
        if (!last) throw new InvalidPatternError("nothing to repeat");
        let [text, isLiteral] = last;
        if (!isLiteral) {
          let id = subRuleIds.get(text);
          if (!id) {
            id = addRule(`${name}-${subRuleIds.size + 1}`, text);
            subRuleIds.set(text, id);
          }
          text = id;
        }
        seq[seq.length - 1] = [buildRepetition(isLiteral ? `"${text}"` : text, min, max), false];
      } else {
        let literal = "";
        let shorthandTaken = false;
        while (i < sub.length) {
          const here = sub[i] as string;
          if (here === "\\") {
            if (i === sub.length - 1) throw new InvalidPatternError("trailing backslash");
            const next = sub[i + 1] as string;
            const shorthand = shorthands[next];
            if (shorthand) {
              if (literal) break;
              seq.push([`[${shorthand}]`, false]);
              shorthandTaken = true;
              i += 2;
              break;
            }
            if (escapedInRegexpsOnly.has(next)) {
              literal += next;
              i += 2;
            } else {
              const length = escapeLength(sub, i);
              if (length === 0)
                throw new UnsupportedPatternError(`unsupported escape: ${sub.slice(i, i + 2)}`);
              literal += sub.slice(i, i + length);
              i += length;
            }
          } else if (here === '"') {
            literal += '\\"';
            i++;
          } else if (
            !nonLiteral.has(here) &&
            (i === sub.length - 1 ||
              literal === "" ||
              sub[i + 1] === "." ||
              !nonLiteral.has(sub[i + 1] as string))
          ) {
            literal += here;
            i++;
          } else {
            break;
          }
        }
        if (literal) seq.push([literal, true]);
        else if (!shorthandTaken) throw new UnsupportedPatternError(`unsupported character: ${c}`);
      }
    }
    return joinSeq();
  };

  const rule = toRule(transform());
  if (depth !== 0) throw new InvalidPatternError("unbalanced parentheses");
  return `"\\"" (${rule}) "\\""`;
}

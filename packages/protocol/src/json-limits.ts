/**
 * How much structure one JSON body or frame may carry, wherever it comes from (HTTP bodies on every
 * service, inference-socket and agent-socket frames both ways). Sizes in bytes are bounded where
 * the bytes arrive (body limit, WebSocket max payload); these bound what parsing would build.
 */
export interface JsonLimits {
  /** Deepest nesting of arrays and objects. Real requests stay under ~20, tool schemas included. */
  maxDepth: number;
  /** Values in the whole document (roughly: containers plus commas). */
  maxValues: number;
}

export const defaultJsonLimits: JsonLimits = Object.freeze({
  maxDepth: 128,
  maxValues: 1_000_000,
});

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const COMMA = 0x2c;

/**
 * The first limit a JSON text breaks, or null. A linear scan over the characters that only tracks
 * strings and brackets (it is not a parser: syntax is JSON.parse's job afterwards), and stops as
 * soon as a limit is crossed, so a hostile document costs microseconds per kilobyte and builds
 * nothing. V8's JSON.parse would first build millions of nested arrays, and then every recursive
 * consumer (zod, JSON.stringify, a template) would overflow the stack on them.
 */
export function exceedsJsonLimits(text: string, limits: JsonLimits = defaultJsonLimits): string | null {
  let depth = 0;
  let values = 1;
  const length = text.length;
  for (let index = 0; index < length; index++) {
    const code = text.charCodeAt(index);
    if (code === QUOTE) {
      // Jump over the string (indexOf runs natively): a quote ends it unless an odd number of
      // backslashes stands before it.
      for (;;) {
        const close = text.indexOf('"', index + 1);
        if (close === -1) return null; // Unterminated: JSON.parse reports it.
        let backslashes = 0;
        while (text.charCodeAt(close - 1 - backslashes) === BACKSLASH) backslashes++;
        index = close;
        if (backslashes % 2 === 0) break;
      }
    } else if (code === OPEN_BRACKET || code === OPEN_BRACE) {
      depth++;
      if (depth > limits.maxDepth) return `JSON nests deeper than ${limits.maxDepth} levels`;
    } else if (code === CLOSE_BRACKET || code === CLOSE_BRACE) {
      depth--;
    } else if (code === COMMA) {
      values++;
      if (values > limits.maxValues) return `JSON holds more than ${limits.maxValues} values`;
    }
  }
  return null;
}

export type ParsedJson =
  | { ok: true; value: unknown }
  /** `limit`: the text breaks a JsonLimits bound; `syntax`: it is not JSON. */
  | { ok: false; kind: "limit" | "syntax"; reason: string };

/** The one way untrusted JSON text is parsed: limits first, then JSON.parse. */
export function parseJsonWithLimits(text: string, limits: JsonLimits = defaultJsonLimits): ParsedJson {
  const breach = exceedsJsonLimits(text, limits);
  if (breach !== null) return { ok: false, kind: "limit", reason: breach };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, kind: "syntax", reason: (error as Error).message };
  }
}

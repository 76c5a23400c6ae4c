import { TemplateSyntaxError } from "./template-errors.js";

export type ActionToken =
  | { kind: "string"; value: string }
  | { kind: "number"; value: number }
  | { kind: "bool"; value: boolean }
  | { kind: "nil" }
  /** `.a.b` (path ["a","b"]) or `.` (path []). */
  | { kind: "field"; path: string[] }
  /** `$name.a.b`; `$` alone is name "$". */
  | { kind: "variable"; name: string; path: string[] }
  | { kind: "identifier"; name: string }
  | { kind: "punct"; value: "(" | ")" | "|" | ":=" | "=" | "," };

const identifierChar = /[A-Za-z0-9_]/;

/** Go's double-quoted string escapes, as far as charts use them. */
function unquote(raw: string, fail: (detail: string) => never): string {
  let out = "";
  for (let index = 0; index < raw.length; index += 1) {
    const char = raw[index];
    if (char !== "\\") {
      out += char;
      continue;
    }
    index += 1;
    const escaped = raw[index];
    const simple: Record<string, string> = { n: "\n", t: "\t", r: "\r", "\\": "\\", '"': '"' };
    if (escaped !== undefined && escaped in simple) out += simple[escaped];
    else fail(`unsupported escape \\${escaped ?? ""} in a string`);
  }
  return out;
}

function readPath(body: string, start: number): { path: string[]; end: number } {
  const path: string[] = [];
  let cursor = start;
  while (body[cursor] === ".") {
    let end = cursor + 1;
    while (end < body.length && identifierChar.test(body[end] ?? "")) end += 1;
    if (end === cursor + 1) break;
    path.push(body.slice(cursor + 1, end));
    cursor = end;
  }
  return { path, end: cursor };
}

/** Splits the inside of one action into tokens; refuses character constants and other rare syntax. */
export function tokenizeAction(body: string, templateName: string, line: number): ActionToken[] {
  const fail = (detail: string): never => {
    throw new TemplateSyntaxError(templateName, line, detail);
  };
  const tokens: ActionToken[] = [];
  let cursor = 0;
  while (cursor < body.length) {
    const char = body[cursor] ?? "";
    if (/\s/.test(char)) {
      cursor += 1;
    } else if (char === '"') {
      let end = cursor + 1;
      while (end < body.length && body[end] !== '"') end += body[end] === "\\" ? 2 : 1;
      if (end >= body.length) fail("unterminated quoted string");
      tokens.push({ kind: "string", value: unquote(body.slice(cursor + 1, end), fail) });
      cursor = end + 1;
    } else if (char === "`") {
      const end = body.indexOf("`", cursor + 1);
      if (end === -1) fail("unterminated raw quoted string");
      tokens.push({ kind: "string", value: body.slice(cursor + 1, end) });
      cursor = end + 1;
    } else if (char === "'") {
      fail("character constants are not supported by this renderer");
    } else if (char === "(" || char === ")" || char === "|" || char === ",") {
      if (char === ")" && body[cursor + 1] === ".")
        fail("field access on a parenthesized value is not supported");
      tokens.push({ kind: "punct", value: char });
      cursor += 1;
    } else if (body.startsWith(":=", cursor)) {
      tokens.push({ kind: "punct", value: ":=" });
      cursor += 2;
    } else if (char === "=") {
      tokens.push({ kind: "punct", value: "=" });
      cursor += 1;
    } else if (char === ".") {
      const { path, end } = readPath(body, cursor);
      if (path.length === 0) {
        if (end !== cursor) fail("malformed field");
        tokens.push({ kind: "field", path: [] });
        cursor += 1;
      } else {
        tokens.push({ kind: "field", path });
        cursor = end;
      }
    } else if (char === "$") {
      let end = cursor + 1;
      while (end < body.length && identifierChar.test(body[end] ?? "")) end += 1;
      const name = body.slice(cursor, end);
      const { path, end: pathEnd } = readPath(body, end);
      tokens.push({ kind: "variable", name, path });
      cursor = pathEnd;
    } else if (/[0-9-]/.test(char)) {
      const match = /^-?[0-9]+(\.[0-9]+)?/.exec(body.slice(cursor));
      if (!match) fail(`unexpected "${char}"`);
      const text = match?.[0] ?? "";
      tokens.push({ kind: "number", value: Number(text) });
      cursor += text.length;
    } else if (/[A-Za-z_]/.test(char)) {
      let end = cursor;
      while (end < body.length && identifierChar.test(body[end] ?? "")) end += 1;
      const name = body.slice(cursor, end);
      if (body[end] === ".") fail(`method or field on "${name}" is not supported`);
      if (name === "true" || name === "false") tokens.push({ kind: "bool", value: name === "true" });
      else if (name === "nil") tokens.push({ kind: "nil" });
      else tokens.push({ kind: "identifier", name });
      cursor = end;
    } else {
      fail(`unexpected "${char}" in action`);
    }
  }
  return tokens;
}

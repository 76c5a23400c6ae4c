import { TemplateSyntaxError } from "./template-errors.js";

/** A piece of a template: literal text, or the inside of one `{{ … }}` action (comments dropped). */
export type TemplatePiece = { kind: "text"; text: string } | { kind: "action"; body: string; line: number };

const isSpace = (char: string | undefined) => char === " " || char === "\t" || char === "\n" || char === "\r";

/**
 * Splits a template into text and actions as Go's text/template does, applying the trim markers:
 * `{{- ` drops the whitespace before the action, ` -}}` the whitespace after it (the dash must
 * touch the braces and be separated from the action by whitespace, else it is a minus sign).
 */
export function lexTemplate(source: string, templateName: string): TemplatePiece[] {
  const pieces: TemplatePiece[] = [];
  let position = 0;
  let trimNextText = false;
  const lineAt = (index: number) => source.slice(0, index).split("\n").length;

  const pushText = (text: string, trimRight: boolean) => {
    let value = text;
    if (trimNextText) value = value.replace(/^[ \t\r\n]+/, "");
    if (trimRight) value = value.replace(/[ \t\r\n]+$/, "");
    if (value !== "") pieces.push({ kind: "text", text: value });
  };

  while (position < source.length) {
    const open = source.indexOf("{{", position);
    if (open === -1) {
      pushText(source.slice(position), false);
      break;
    }
    let bodyStart = open + 2;
    const trimLeft = source[bodyStart] === "-" && isSpace(source[bodyStart + 1]);
    if (trimLeft) bodyStart += 2;
    pushText(source.slice(position, open), trimLeft);
    trimNextText = false;

    if (source.startsWith("/*", bodyStart)) {
      const commentEnd = source.indexOf("*/", bodyStart + 2);
      if (commentEnd === -1) throw new TemplateSyntaxError(templateName, lineAt(open), "unclosed comment");
      let close = commentEnd + 2;
      const trimRight = isSpace(source[close]) && source.startsWith("-}}", close + 1);
      if (trimRight) close += 4;
      else if (source.startsWith("}}", close)) close += 2;
      else throw new TemplateSyntaxError(templateName, lineAt(open), "comment ends before closing delimiter");
      trimNextText = trimRight;
      position = close;
      continue;
    }

    // Find the closing braces outside string literals.
    let cursor = bodyStart;
    let quote: string | null = null;
    let close = -1;
    while (cursor < source.length) {
      const char = source[cursor];
      if (quote !== null) {
        if (char === "\\" && quote === '"') cursor += 1;
        else if (char === quote) quote = null;
      } else if (char === '"' || char === "`") {
        quote = char;
      } else if (char === "}" && source[cursor + 1] === "}") {
        close = cursor;
        break;
      }
      cursor += 1;
    }
    if (close === -1) throw new TemplateSyntaxError(templateName, lineAt(open), "unclosed action");
    let bodyEnd = close;
    let trimRight = false;
    if (source[close - 1] === "-" && isSpace(source[close - 2])) {
      trimRight = true;
      bodyEnd = close - 1;
    }
    pieces.push({ kind: "action", body: source.slice(bodyStart, bodyEnd), line: lineAt(open) });
    trimNextText = trimRight;
    position = close + 2;
  }
  return pieces;
}

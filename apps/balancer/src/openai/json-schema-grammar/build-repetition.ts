// Ported from llama.cpp's common/json-schema-to-grammar.cpp (MIT, © the ggml authors).

/** `item{min,max}` in GBNF, with an optional separator between items. */
export function buildRepetition(item: string, min: number, max: number, separator = ""): string {
  const hasMax = Number.isFinite(max);
  if (max === 0) return "";
  if (min === 0 && max === 1) return `${item}?`;
  if (!separator) {
    if (min === 1 && !hasMax) return `${item}+`;
    if (min === 0 && !hasMax) return `${item}*`;
    return `${item}{${min},${hasMax ? max : ""}}`;
  }
  const result = `${item} ${buildRepetition(`(${separator} ${item})`, min === 0 ? 0 : min - 1, hasMax ? max - 1 : max)}`;
  return min === 0 ? `(${result})?` : result;
}

/** Template data as it comes out of YAML or JSON: Go sees maps, slices, strings, float64s, bools and nil. */
export type TemplateValue = string | number | boolean | null | undefined | TemplateValue[] | TemplateMap;
export interface TemplateMap {
  [key: string]: TemplateValue;
}

export const isMap = (value: TemplateValue): value is TemplateMap =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Go's truth: false, 0, nil, and empty strings, slices and maps are false. */
export function isTrue(value: TemplateValue): boolean {
  if (value === null || value === undefined) return false;
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0;
  if (typeof value === "string") return value.length > 0;
  if (Array.isArray(value)) return value.length > 0;
  return Object.keys(value).length > 0;
}

/** fmt's %v of a float64, as values decoded from YAML or JSON are (1e+21 past 21 digits, like Go's %g). */
function formatNumber(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e21) return String(value);
  return String(value)
    .replace(/e\+?(-?)(\d)$/, "e+$10$2")
    .replace("e+-", "e-");
}

/** fmt's %v: what `{{ .x }}` prints. A missing value prints Go's "<no value>". */
export function formatValue(value: TemplateValue): string {
  if (value === undefined || value === null) return "<no value>";
  if (typeof value === "string") return value;
  if (typeof value === "number") return formatNumber(value);
  if (typeof value === "boolean") return String(value);
  if (Array.isArray(value))
    return `[${value.map((item) => (item === null ? "<nil>" : formatValue(item))).join(" ")}]`;
  const keys = Object.keys(value).sort();
  return `map[${keys.map((key) => `${key}:${value[key] === null ? "<nil>" : formatValue(value[key])}`).join(" ")}]`;
}

/** Go's strconv.Quote for the strings charts quote (ASCII and printable Unicode). */
export function goQuote(text: string): string {
  let out = '"';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '"') out += '\\"';
    else if (char === "\\") out += "\\\\";
    else if (char === "\n") out += "\\n";
    else if (char === "\t") out += "\\t";
    else if (char === "\r") out += "\\r";
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else out += char;
  }
  return `${out}"`;
}

import { stringify } from "yaml";
import type { TemplateFunction } from "../go-template/execute-template.js";
import { formatValue, goQuote, isMap, type TemplateValue } from "../go-template/go-values.js";

/** sprig's strval: strings as they are, anything else as fmt's %v. */
const strval = (value: TemplateValue) => (typeof value === "string" ? value : formatValue(value));

/** sprig's empty: nil, false, 0, "" and empty collections. */
function isEmpty(value: TemplateValue): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  if (isMap(value)) return Object.keys(value).length === 0;
  return false;
}

function integer(name: string, value: TemplateValue): number {
  if (typeof value !== "number" || !Number.isInteger(value))
    throw new Error(`${name}: expected an integer, got ${formatValue(value)}`);
  return value;
}

const indentText = (spaces: number, text: string) => {
  const pad = " ".repeat(spaces);
  return pad + text.replaceAll("\n", `\n${pad}`);
};

/**
 * The Helm and sprig functions the chart uses, with their documented behaviour. Any other name
 * (tpl, lookup, fail, b64enc, …) is refused when a template is parsed.
 */
export const helmFunctions: Record<string, TemplateFunction> = {
  include: (args, runtime) => {
    const [name, data] = args;
    if (typeof name !== "string" || args.length !== 2)
      throw new Error("include takes a template name and a value");
    return runtime.include(name, data);
  },
  /** Helm's toYaml: sorted keys (Go's yaml encoder), without the trailing newline. */
  toYaml: (args) => {
    if (args.length !== 1) throw new Error("toYaml takes one value");
    return stringify(args[0] ?? null, { sortMapEntries: true, lineWidth: 0 }).replace(/\n$/, "");
  },
  indent: (args) => {
    const [spaces, text] = args;
    return indentText(integer("indent", spaces), strval(text));
  },
  nindent: (args) => {
    const [spaces, text] = args;
    return `\n${indentText(integer("nindent", spaces), strval(text))}`;
  },
  default: (args) => {
    const [fallback, ...given] = args;
    if (given.length === 0 || isEmpty(given[0])) return fallback;
    return given[0];
  },
  quote: (args) =>
    args
      .filter((value) => value !== null && value !== undefined)
      .map((value) => goQuote(strval(value)))
      .join(" "),
  required: (args) => {
    const [message, value] = args;
    if (args.length !== 2) throw new Error("required takes a message and a value");
    if (value === null || value === undefined || value === "") throw new Error(String(message));
    return value;
  },
  trunc: (args) => {
    const [count, text] = args;
    const length = integer("trunc", count);
    const value = strval(text);
    if (length >= 0) return value.length > length ? value.slice(0, length) : value;
    return value.length > -length ? value.slice(value.length + length) : value;
  },
  trimSuffix: (args) => {
    const [suffix, text] = args;
    const value = strval(text);
    const end = strval(suffix);
    return end !== "" && value.endsWith(end) ? value.slice(0, -end.length) : value;
  },
};

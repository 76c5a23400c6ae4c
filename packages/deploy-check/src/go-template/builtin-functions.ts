import type { TemplateFunction } from "./execute-template.js";
import { formatValue, goQuote, isMap, isTrue, type TemplateValue } from "./go-values.js";

const kindOf = (value: TemplateValue) =>
  value === null || value === undefined
    ? "nil"
    : Array.isArray(value)
      ? "slice"
      : isMap(value)
        ? "map"
        : typeof value;

function expectCount(name: string, args: TemplateValue[], count: number): void {
  if (args.length !== count)
    throw new Error(`wrong number of args for ${name}: want ${count} got ${args.length}`);
}

function compare(name: string, left: TemplateValue, right: TemplateValue): number {
  if (typeof left === "number" && typeof right === "number") return left - right;
  if (typeof left === "string" && typeof right === "string") return left < right ? -1 : left > right ? 1 : 0;
  throw new Error(`${name}: incompatible types for comparison (${kindOf(left)} and ${kindOf(right)})`);
}

function equal(left: TemplateValue, right: TemplateValue): boolean {
  const leftNil = left === null || left === undefined;
  const rightNil = right === null || right === undefined;
  if (leftNil || rightNil) return leftNil && rightNil;
  if (typeof left !== typeof right || typeof left === "object") {
    if (typeof left === "object" || typeof right === "object") throw new Error("eq: non-comparable types");
    throw new Error(`eq: incompatible types for comparison (${kindOf(left)} and ${kindOf(right)})`);
  }
  return left === right;
}

/**
 * fmt.Sprintf for the verbs charts need: %s and %q of strings, %v of anything, %%. Values from YAML
 * are float64 in Helm, so %d prints "%!d(float64=…)" there: refused here rather than imitated.
 */
export function sprintf(format: string, args: TemplateValue[]): string {
  let argIndex = 0;
  return format.replace(/%([%a-zA-Z])/g, (_match, verb: string) => {
    if (verb === "%") return "%";
    if (argIndex >= args.length) throw new Error(`printf: missing argument for %${verb}`);
    const value = args[argIndex];
    argIndex += 1;
    if (verb === "v") return formatValue(value);
    if (verb === "s" || verb === "q") {
      if (typeof value !== "string") throw new Error(`printf: %${verb} of a ${kindOf(value)} (use %v)`);
      return verb === "s" ? value : goQuote(value);
    }
    throw new Error(`printf: verb %${verb} is not supported by this renderer (use %v, %s or %q)`);
  });
}

/** fmt.Sprint: operands side by side, a space between two that are both not strings. */
function sprint(args: TemplateValue[]): string {
  let out = "";
  args.forEach((value, index) => {
    const previous = args[index - 1];
    if (index > 0 && typeof value !== "string" && typeof previous !== "string") out += " ";
    out += formatValue(value);
  });
  return out;
}

/** The functions Go's text/template predefines (less html, js, urlquery, call, slice, println). */
export const builtinFunctions: Record<string, TemplateFunction> = {
  // `and` and `or` are evaluated lazily by the executor; these entries only name them.
  and: () => {
    throw new Error("and is evaluated by the executor");
  },
  or: () => {
    throw new Error("or is evaluated by the executor");
  },
  not: (args) => {
    expectCount("not", args, 1);
    return !isTrue(args[0]);
  },
  eq: (args) => {
    if (args.length < 2) throw new Error("missing argument for comparison");
    const [first, ...rest] = args;
    return rest.some((other) => equal(first, other));
  },
  ne: (args) => {
    expectCount("ne", args, 2);
    return !equal(args[0], args[1]);
  },
  lt: (args) => {
    expectCount("lt", args, 2);
    return compare("lt", args[0], args[1]) < 0;
  },
  le: (args) => {
    expectCount("le", args, 2);
    return compare("le", args[0], args[1]) <= 0;
  },
  gt: (args) => {
    expectCount("gt", args, 2);
    return compare("gt", args[0], args[1]) > 0;
  },
  ge: (args) => {
    expectCount("ge", args, 2);
    return compare("ge", args[0], args[1]) >= 0;
  },
  len: (args) => {
    expectCount("len", args, 1);
    const [value] = args;
    if (typeof value === "string") return new TextEncoder().encode(value).length;
    if (Array.isArray(value)) return value.length;
    if (isMap(value)) return Object.keys(value).length;
    throw new Error(`len of type ${kindOf(value)}`);
  },
  index: (args) => {
    const [collection, ...keys] = args;
    let value = collection;
    for (const key of keys) {
      if (Array.isArray(value) && typeof key === "number") {
        if (key < 0 || key >= value.length) throw new Error(`index out of range: ${key}`);
        value = value[key];
      } else if (isMap(value) && typeof key === "string") {
        value = value[key];
      } else if (value === null || value === undefined) {
        throw new Error("index of untyped nil");
      } else {
        throw new Error(`can't index item of type ${kindOf(value)}`);
      }
    }
    return value;
  },
  printf: (args) => {
    const [format, ...rest] = args;
    if (typeof format !== "string") throw new Error("printf: the format must be a string");
    return sprintf(format, rest);
  },
  print: (args) => sprint(args),
};

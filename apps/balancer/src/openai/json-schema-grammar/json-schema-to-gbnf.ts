// After llama.cpp's common/json-schema-to-grammar.cpp (MIT, © the ggml authors): the same
// rules, keywords and grammar shapes, applied to the schema's JSON directly.
import { buildMinMaxInt } from "./build-min-max-int.js";
import { buildRepetition } from "./build-repetition.js";
import { InvalidPatternError, patternToRule, UnsupportedPatternError } from "./pattern-to-rule.js";

/** A schema that cannot become a grammar; `path` points into the schema (`properties.age.type`). */
export class SchemaGrammarError extends Error {
  override readonly name = "SchemaGrammarError";
  readonly path: string;
  constructor(path: string, reason: string) {
    super(path ? `${path}: ${reason}` : reason);
    this.path = path;
  }
}

type Schema = Record<string, unknown>;
interface Rule {
  body: string;
  deps?: string[];
}

// Whitespace is at most one space: with newlines allowed, small models pad forever.
const space = '" "?';
const primitives: Record<string, Rule> = {
  boolean: { body: '("true" | "false")' },
  "decimal-part": { body: "[0-9]{1,16}" },
  "integral-part": { body: "[0] | [1-9] [0-9]{0,15}" },
  number: {
    body: '("-"? integral-part) ("." decimal-part)? ([eE] [-+]? integral-part)?',
    deps: ["integral-part", "decimal-part"],
  },
  integer: { body: '("-"? integral-part)', deps: ["integral-part"] },
  value: {
    body: "object | array | string | number | boolean | null",
    deps: ["object", "array", "string", "number", "boolean", "null"],
  },
  object: {
    body: '"{" space ( string ":" space value ("," space string ":" space value)* )? space "}"',
    deps: ["string", "value"],
  },
  array: { body: '"[" space ( value ("," space value)* )? space "]"', deps: ["value"] },
  uuid: {
    body: '"\\"" [0-9a-fA-F]{8} "-" [0-9a-fA-F]{4} "-" [0-9a-fA-F]{4} "-" [0-9a-fA-F]{4} "-" [0-9a-fA-F]{12} "\\""',
  },
  char: { body: '[^"\\\\\\x7F\\x00-\\x1F] | [\\\\] (["\\\\bfnrt] | "u" [0-9a-fA-F]{4})' },
  string: { body: '"\\"" char* "\\""', deps: ["char"] },
  null: { body: '"null"' },
  date: { body: '[0-9]{4} "-" ( "0" [1-9] | "1" [0-2] ) "-" ( "0" [1-9] | [1-2] [0-9] | "3" [0-1] )' },
  time: {
    body: '([01] [0-9] | "2" [0-3]) ":" [0-5] [0-9] ":" [0-5] [0-9] ( "." [0-9]{3} )? ( "Z" | ( "+" | "-" ) ( [01] [0-9] | "2" [0-3] ) ":" [0-5] [0-9] )',
  },
  "date-time": { body: 'date "T" time', deps: ["date", "time"] },
  "date-string": { body: '"\\"" date "\\""', deps: ["date"] },
  "time-string": { body: '"\\"" time "\\""', deps: ["time"] },
  "date-time-string": { body: '"\\"" date-time "\\""', deps: ["date-time"] },
};
const reserved = new Set(["root", ...Object.keys(primitives)]);
const maxDepth = 64;

/** A GBNF string literal. */
export function gbnfLiteral(text: string): string {
  return `"${text.replace(/[\r\n"\\]/g, (c) => ({ "\r": "\\r", "\n": "\\n", '"': '\\"', "\\": "\\\\" })[c] ?? c)}"`;
}

const isSchema = (value: unknown): value is Schema =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const join = (path: string, key: string | number) =>
  typeof key === "number" ? `${path}[${key}]` : path ? `${path}.${key}` : key;

/**
 * Builds GBNF rules for JSON schemas, several of them into one grammar if needed (a tool call
 * grammar holds one per tool). Honours what llama.cpp's converter honours: type (and type lists),
 * properties / required / additionalProperties, items / prefixItems / minItems / maxItems, enum,
 * const, anyOf / oneOf / allOf, $ref into $defs / definitions, integer minimum / maximum (and the
 * exclusive ones), string minLength / maxLength / pattern / format (date, time, date-time, uuid).
 * Throws SchemaGrammarError naming the schema path for what it cannot convert.
 */
export function createGbnfBuilder() {
  const rules = new Map<string, string>([["space", space]]);
  const warnings: string[] = [];
  let root: Schema = {};
  const resolving = new Set<string>();

  function addRule(name: string, body: string): string {
    const escaped = name.replace(/[^a-zA-Z0-9-]+/g, "-");
    if (!rules.has(escaped) || rules.get(escaped) === body) {
      rules.set(escaped, body);
      return escaped;
    }
    let i = 0;
    while (rules.has(`${escaped}${i}`) && rules.get(`${escaped}${i}`) !== body) i++;
    rules.set(`${escaped}${i}`, body);
    return `${escaped}${i}`;
  }
  function addPrimitive(name: string, rule: Rule): string {
    const added = addRule(name, rule.body);
    for (const dep of rule.deps ?? []) if (!rules.has(dep)) addPrimitive(dep, primitives[dep] as Rule);
    return added;
  }
  const primitive = (ruleName: string, type: string) =>
    addPrimitive(ruleName === "root" ? "root" : type, primitives[type] as Rule);

  function resolveRef(ref: string, path: string): string {
    const fragment = ref.includes("#") ? ref.slice(ref.indexOf("#") + 1) : ref;
    const refName = `ref${fragment.replace(/[^a-zA-Z0-9-]+/g, "-")}`;
    if (rules.has(refName) || resolving.has(ref)) return refName;
    if (!fragment.startsWith("/")) throw new SchemaGrammarError(path, `$ref ${ref} is not a local reference`);
    let target: unknown = root;
    for (const part of fragment.slice(1).split("/")) {
      const key = decodeURIComponent(part).replace(/~1/g, "/").replace(/~0/g, "~");
      target = isSchema(target) ? target[key] : undefined;
    }
    if (!isSchema(target) && typeof target !== "boolean")
      throw new SchemaGrammarError(path, `$ref ${ref} does not resolve`);
    resolving.add(ref);
    const name = visit(target, refName, path, 0);
    resolving.delete(ref);
    return name;
  }

  function objectRule(options: {
    properties: [string, unknown][];
    required: Set<string>;
    name: string;
    additional: unknown;
    path: string;
    depth: number;
  }): string {
    const { properties, required, name, additional, path, depth } = options;
    const prefix = name ? `${name}-` : "";
    const kv = new Map<string, string>();
    const requiredProps: string[] = [];
    const optionalProps: string[] = [];
    for (const [property, schema] of properties) {
      const value = visit(
        schema,
        `${prefix}${property}`,
        join(join(path, "properties"), property),
        depth + 1,
      );
      kv.set(
        property,
        addRule(
          `${prefix}${property}-kv`,
          `${gbnfLiteral(JSON.stringify(property))} space ":" space ${value}`,
        ),
      );
      (required.has(property) ? requiredProps : optionalProps).push(property);
    }
    if (additional !== undefined && additional !== false) {
      const subName = `${prefix}additional`;
      const value =
        additional === true || (isSchema(additional) && Object.keys(additional).length === 0)
          ? addPrimitive("value", primitives.value as Rule)
          : visit(additional, `${subName}-value`, join(path, "additionalProperties"), depth + 1);
      const key =
        properties.length === 0
          ? addPrimitive("string", primitives.string as Rule)
          : addRule(`${subName}-k`, notStrings(properties.map(([property]) => property)));
      kv.set("*", addRule(`${subName}-kv`, `${key} ":" space ${value}`));
      optionalProps.push("*");
    }
    if (requiredProps.length === 0 && optionalProps.length === 0) return '"{" space "}"';
    let rule = `"{" space ${requiredProps.map((p) => kv.get(p)).join(' "," space ')}`;
    if (optionalProps.length > 0) {
      rule += " (";
      if (requiredProps.length > 0) rule += ' "," space ( ';
      const recursive = (keys: string[], firstIsOptional: boolean): string => {
        const [key, ...rest] = keys;
        if (key === undefined) return "";
        const kvName = kv.get(key) as string;
        const comma = `( "," space ${kvName} )`;
        let out = firstIsOptional
          ? comma + (key === "*" ? "*" : "?")
          : kvName + (key === "*" ? ` ${comma}*` : "");
        if (rest.length > 0) out += ` ${addRule(`${prefix}${key}-rest`, recursive(rest, true))}`;
        return out;
      };
      rule += optionalProps.map((_, i) => recursive(optionalProps.slice(i), false)).join(" | ");
      if (requiredProps.length > 0) rule += " )";
      rule += " )?";
    }
    return `${rule} space "}"`;
  }

  /** A JSON string that is none of `strings` (llama.cpp's trie-based `_not_strings`). */
  function notStrings(strings: string[]): string {
    const char = addPrimitive("char", primitives.char as Rule);
    interface Node {
      children: Map<string, Node>;
      end: boolean;
    }
    const trie: Node = { children: new Map(), end: false };
    for (const text of strings) {
      let node = trie;
      for (const c of text) {
        let child = node.children.get(c);
        if (!child) {
          child = { children: new Map(), end: false };
          node.children.set(c, child);
        }
        node = child;
      }
      node.end = true;
    }
    const escapeClass = (c: string) => (/[\]\\"^-]/.test(c) ? `\\${c}` : c);
    const walk = (node: Node): string => {
      const parts = [...node.children].map(
        ([c, child]) => `[${escapeClass(c)}]${child.children.size > 0 ? ` (${walk(child)})` : ` ${char}+`}`,
      );
      const rejects = [...node.children.keys()].map(escapeClass).join("");
      if (node.children.size > 0) parts.push(`[^"${rejects}] ${char}*`);
      return parts.join(" | ");
    };
    return `["] ( ${walk(trie)} )${trie.end ? "" : "?"} ["]`;
  }

  function integerRule(schema: Schema, path: string): string | null {
    const bound = (key: string) => {
      const value = schema[key];
      if (value === undefined) return undefined;
      if (typeof value !== "number" || !Number.isFinite(value))
        throw new SchemaGrammarError(join(path, key), "must be a number");
      return value;
    };
    let min = Number.NEGATIVE_INFINITY;
    let max = Number.POSITIVE_INFINITY;
    const minimum = bound("minimum");
    const maximum = bound("maximum");
    const exclusiveMinimum = bound("exclusiveMinimum");
    const exclusiveMaximum = bound("exclusiveMaximum");
    if (minimum !== undefined) min = Math.ceil(minimum);
    if (exclusiveMinimum !== undefined) min = Math.max(min, Math.floor(exclusiveMinimum) + 1);
    if (maximum !== undefined) max = Math.floor(maximum);
    if (exclusiveMaximum !== undefined) max = Math.min(max, Math.ceil(exclusiveMaximum) - 1);
    if (min > max) throw new SchemaGrammarError(path, `no integer lies between the minimum and the maximum`);
    if (min === Number.NEGATIVE_INFINITY && max === Number.POSITIVE_INFINITY) return null;
    return `(${buildMinMaxInt(min, max)})`;
  }

  function stringRule(schema: Schema, ruleName: string, path: string): string {
    const { pattern, format } = schema;
    if (pattern !== undefined) {
      if (typeof pattern !== "string")
        throw new SchemaGrammarError(join(path, "pattern"), "must be a string");
      const snapshot = new Map(rules);
      try {
        return addRule(ruleName, patternToRule(pattern, ruleName, addRule));
      } catch (error) {
        rules.clear();
        for (const [key, value] of snapshot) rules.set(key, value);
        if (error instanceof InvalidPatternError)
          throw new SchemaGrammarError(join(path, "pattern"), `is not a valid pattern (${error.message})`);
        if (!(error instanceof UnsupportedPatternError)) throw error;
        warnings.push(`${join(path, "pattern")} is not supported (${error.message}); any string is accepted`);
        return primitive(ruleName, "string");
      }
    }
    if (format === "uuid") return primitive(ruleName, "uuid");
    if (format === "date" || format === "time" || format === "date-time")
      return addRule(ruleName, addPrimitive(`${format}-string`, primitives[`${format}-string`] as Rule));
    const length = (key: string) => {
      const value = schema[key];
      if (value === undefined) return undefined;
      if (typeof value !== "number" || !Number.isInteger(value) || value < 0)
        throw new SchemaGrammarError(join(path, key), "must be a non-negative integer");
      return value;
    };
    const minLength = length("minLength") ?? 0;
    const maxLength = length("maxLength") ?? Number.POSITIVE_INFINITY;
    if (minLength > maxLength) throw new SchemaGrammarError(path, "minLength is greater than maxLength");
    if (minLength > 0 || Number.isFinite(maxLength)) {
      const char = addPrimitive("char", primitives.char as Rule);
      return addRule(ruleName, `"\\"" ${buildRepetition(char, minLength, maxLength)} "\\""`);
    }
    return primitive(ruleName, "string");
  }

  function visit(schema: unknown, name: string, path: string, depth: number): string {
    if (depth > maxDepth) throw new SchemaGrammarError(path, `is nested more than ${maxDepth} levels deep`);
    const ruleName = reserved.has(name) && name !== "" ? `${name}-` : name === "" ? "root" : name;
    const subName = name ? `${name}-` : "";
    if (schema === true) return addRule(ruleName, addPrimitive("value", primitives.value as Rule));
    if (schema === false) throw new SchemaGrammarError(path, "is false: no value is allowed");
    if (!isSchema(schema)) throw new SchemaGrammarError(path, "must be a JSON object (a schema)");

    if (typeof schema.$ref === "string")
      return addRule(ruleName, resolveRef(schema.$ref, join(path, "$ref")));
    const alternatives = schema.oneOf ?? schema.anyOf;
    if (alternatives !== undefined) {
      const key = schema.oneOf !== undefined ? "oneOf" : "anyOf";
      if (!Array.isArray(alternatives) || alternatives.length === 0)
        throw new SchemaGrammarError(join(path, key), "must be a non-empty array of schemas");
      return addRule(
        ruleName,
        alternatives
          .map((alt, i) =>
            visit(alt, `${name}${name ? "-" : "alternative-"}${i}`, join(join(path, key), i), depth + 1),
          )
          .join(" | "),
      );
    }
    if (Array.isArray(schema.allOf)) {
      const properties: [string, unknown][] = [];
      const required = new Set<string>();
      for (const [i, part] of schema.allOf.entries()) {
        const resolved = isSchema(part) && typeof part.$ref === "string" ? derefLocal(part.$ref) : part;
        if (!isSchema(resolved))
          throw new SchemaGrammarError(join(join(path, "allOf"), i), "must be a schema");
        for (const [key, value] of Object.entries(isSchema(resolved.properties) ? resolved.properties : {})) {
          properties.push([key, value]);
          if (Array.isArray(resolved.required) && resolved.required.includes(key)) required.add(key);
        }
      }
      return addRule(
        ruleName,
        objectRule({ properties, required, name, additional: undefined, path, depth }),
      );
    }
    if ("const" in schema) return addRule(ruleName, gbnfLiteral(JSON.stringify(schema.const)));
    if (schema.enum !== undefined) {
      if (!Array.isArray(schema.enum) || schema.enum.length === 0)
        throw new SchemaGrammarError(join(path, "enum"), "must be a non-empty array");
      return addRule(
        ruleName,
        `(${schema.enum.map((value) => gbnfLiteral(JSON.stringify(value))).join(" | ")})`,
      );
    }
    let type = schema.type;
    if (Array.isArray(type)) {
      if (type.length === 0) throw new SchemaGrammarError(join(path, "type"), "must not be an empty list");
      return addRule(
        ruleName,
        type
          .map((t, i) =>
            visit(
              { ...schema, type: t },
              `${name}${name ? "-" : ""}${String(t)}`,
              join(join(path, "type"), i),
              depth + 1,
            ),
          )
          .join(" | "),
      );
    }
    if (type === undefined) {
      if (schema.properties !== undefined || schema.additionalProperties !== undefined) type = "object";
      else if (schema.items !== undefined || schema.prefixItems !== undefined) type = "array";
      else if (schema.pattern !== undefined || schema.format !== undefined || schema.minLength !== undefined)
        type = "string";
    }
    switch (type) {
      case "object": {
        const properties = schema.properties ?? {};
        if (!isSchema(properties))
          throw new SchemaGrammarError(join(path, "properties"), "must be an object");
        const required = schema.required ?? [];
        if (!Array.isArray(required) || !required.every((r) => typeof r === "string"))
          throw new SchemaGrammarError(join(path, "required"), "must be an array of property names");
        for (const [i, key] of required.entries())
          if (!(key in properties))
            throw new SchemaGrammarError(
              join(join(path, "required"), i),
              `names "${key}", which is not in properties`,
            );
        const entries = Object.entries(properties);
        const additional = schema.additionalProperties;
        if (entries.length === 0 && (additional === undefined || additional === true))
          return addRule(ruleName, addPrimitive("object", primitives.object as Rule));
        return addRule(
          ruleName,
          objectRule({ properties: entries, required: new Set(required), name, additional, path, depth }),
        );
      }
      case "array": {
        if (Array.isArray(schema.prefixItems) || Array.isArray(schema.items)) {
          const key = Array.isArray(schema.prefixItems) ? "prefixItems" : "items";
          const items = (schema[key] as unknown[]).map((item, i) =>
            visit(item, `${subName}tuple-${i}`, join(join(path, key), i), depth + 1),
          );
          return addRule(ruleName, `"[" space ${items.join(' "," space ')} space "]"`);
        }
        const count = (key: string) => {
          const value = schema[key];
          if (value === undefined) return undefined;
          if (typeof value !== "number" || !Number.isInteger(value) || value < 0)
            throw new SchemaGrammarError(join(path, key), "must be a non-negative integer");
          return value;
        };
        const minItems = count("minItems") ?? 0;
        const maxItems = count("maxItems") ?? Number.POSITIVE_INFINITY;
        if (schema.items === undefined && minItems === 0 && !Number.isFinite(maxItems))
          return primitive(ruleName, "array");
        const item = visit(schema.items ?? true, `${subName}item`, join(path, "items"), depth + 1);
        return addRule(
          ruleName,
          `"[" space ${buildRepetition(item, minItems, maxItems, '"," space')} space "]"`,
        );
      }
      case "string":
        return stringRule(schema, ruleName, path);
      case "integer": {
        const range = integerRule(schema, path);
        return range ? addRule(ruleName, range) : primitive(ruleName, "integer");
      }
      case "number":
        return primitive(ruleName, "number");
      case "boolean":
        return primitive(ruleName, "boolean");
      case "null":
        return primitive(ruleName, "null");
      case undefined:
        return addRule(ruleName, addPrimitive("value", primitives.value as Rule));
      default:
        throw new SchemaGrammarError(join(path, "type"), `unknown type ${JSON.stringify(type)}`);
    }
  }

  function derefLocal(ref: string): unknown {
    const fragment = ref.slice(ref.indexOf("#") + 1);
    let target: unknown = root;
    for (const part of fragment.slice(1).split("/")) target = isSchema(target) ? target[part] : undefined;
    return target;
  }

  return {
    /** Adds the rules of one schema; returns the name of its top rule (`root` when `name` is ""). */
    addSchema(schema: unknown, name: string): string {
      root = isSchema(schema) ? schema : {};
      return visit(schema, name, "", 0);
    },
    addRule,
    warnings: warnings as readonly string[],
    /** The grammar text, one rule a line. */
    format(): string {
      return `${[...rules].map(([name, body]) => `${name} ::= ${body}`).join("\n")}\n`;
    },
  };
}

/** A whole grammar (root rule `root`) for one schema. */
export function jsonSchemaToGbnf(schema: unknown): string {
  const builder = createGbnfBuilder();
  builder.addSchema(schema, "");
  return builder.format();
}

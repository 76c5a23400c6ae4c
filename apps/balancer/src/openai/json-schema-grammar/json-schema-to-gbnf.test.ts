import { describe, expect, it } from "vitest";
import { buildMinMaxInt } from "./build-min-max-int.js";
import { jsonSchemaToGbnf, SchemaGrammarError } from "./json-schema-to-gbnf.js";

/** Whether `text` is in the language of a GBNF expression made only of literals, ranges, | and (). */
function matchesIntRule(rule: string, text: string): boolean {
  // The integer rules use only "…", [a-b], {m,n}, | and parentheses: all of them are regex syntax.
  const regex = rule
    .replace(/"([^"]*)"/g, (_, literal: string) => literal.replace(/[-]/g, "\\-"))
    .replace(/\s+/g, "");
  return new RegExp(`^(?:${regex})$`).test(text);
}

describe("JSON schema to GBNF (llama.cpp's rules)", () => {
  it("builds integer ranges that hold exactly the integers between minimum and maximum", () => {
    for (const [min, max] of [
      [1, 9],
      [-50, 1234],
      [0, 100],
      [7, 7],
      [-20, -3],
    ] as const) {
      const rule = buildMinMaxInt(min, max);
      for (let n = min - 30; n <= max + 30; n++)
        expect(matchesIntRule(rule, String(n))).toBe(n >= min && n <= max);
    }
  });

  it("turns keywords into rules: ranges, lengths, patterns, formats, enums, arrays, refs", () => {
    const grammar = jsonSchemaToGbnf({
      type: "object",
      properties: {
        n: { type: "integer", minimum: 1, maximum: 9 },
        s: { type: "string", minLength: 2, maxLength: 5 },
        p: { type: "string", pattern: "^[A-Z]{2}-\\d{3}$" },
        d: { type: "string", format: "date" },
        e: { enum: ["a", "b"] },
        list: { type: "array", items: { $ref: "#/$defs/flag" }, minItems: 1, maxItems: 3 },
      },
      required: ["n", "s"],
      $defs: { flag: { type: "boolean" } },
    });
    expect(grammar).toContain("n ::= ([1-9])");
    expect(grammar).toContain('s ::= "\\"" char{2,5} "\\""');
    expect(grammar).toContain("p-1 ::= [A-Z]");
    expect(grammar).toContain("p-2 ::= [0-9]");
    expect(grammar).toContain("d ::= date-string");
    expect(grammar).toContain('e ::= ("\\"a\\"" | "\\"b\\"")');
    expect(grammar).toContain('list ::= "[" space list-item ("," space list-item){0,2} space "]"');
    expect(grammar).toContain("list-item ::= boolean");
    expect(grammar).toMatch(/^root ::= "\{" space n-kv "," space s-kv /m);
  });

  it("names the schema path of what it cannot convert", () => {
    const cases: [unknown, string][] = [
      [{ type: "object", properties: { a: { type: "integr" } } }, "properties.a.type"],
      [{ type: "object", properties: { a: { type: "string", pattern: "^(ab$" } } }, "properties.a.pattern"],
      [{ type: "object", properties: { a: { $ref: "#/$defs/missing" } } }, "properties.a.$ref"],
      [{ type: "object", properties: {}, required: ["x"] }, "required[0]"],
      [{ type: "integer", minimum: 5, maximum: 1 }, ""],
    ];
    for (const [schema, path] of cases) {
      let error: unknown;
      try {
        jsonSchemaToGbnf(schema);
      } catch (thrown) {
        error = thrown;
      }
      expect(error).toBeInstanceOf(SchemaGrammarError);
      expect((error as SchemaGrammarError).path).toBe(path);
    }
  });

  it("accepts any string for a pattern GBNF cannot express, as llama.cpp does", () => {
    expect(jsonSchemaToGbnf({ type: "string", pattern: "^(?=a).*$" })).toContain(
      'root ::= "\\"" char* "\\""',
    );
  });
});

import { describe, expect, it } from "vitest";
import { formatZodError } from "./format-zod-error.js";
import { exceedsGbnfLimits } from "./gbnf-limits.js";
import { grammarConstraintSchema } from "./grammar-constraint.js";
import { exceedsJsonSchemaLimits } from "./json-schema-limits.js";
import { toolSchema } from "./tool.js";

function nestedSchema(depth: number): unknown {
  let schema: unknown = { type: "string" };
  for (let level = 0; level < depth; level++) schema = { type: "object", properties: { a: schema } };
  return schema;
}

describe("grammar and schema complexity limits", () => {
  it("accepts ordinary grammars", () => {
    expect(exceedsGbnfLimits('root ::= ("a" | [()\\]] | "(" ){1,3} # ((((')).toBeNull();
    expect(exceedsGbnfLimits('root ::= "a"{0,200} item{5}\nitem ::= [0-9]+')).toBeNull();
  });

  it("refuses the grammar nested 20,000 parentheses deep that crashed llama.cpp", () => {
    const grammar = `root ::= ${"(".repeat(20_000)}"a"${")".repeat(20_000)}`;
    const result = grammarConstraintSchema.safeParse({ type: "gbnf", grammar, root: "root" });
    expect(result.success).toBe(false);
    if (!result.success)
      expect(formatZodError(result.error)).toMatch(/^grammar: the grammar nests groups deeper/);
  });

  it("refuses repetition bombs", () => {
    expect(exceedsGbnfLimits('root ::= "a"{0,100000000}')).toMatch(/repeats 100000000 times/);
    expect(exceedsGbnfLimits(`root ::= ${'"a"{9000} '.repeat(20)}`)).toMatch(/in all/);
  });

  it("refuses tool parameters and JSON-schema grammars nested too deep", () => {
    expect(exceedsJsonSchemaLimits(nestedSchema(10))).toBeNull();
    const tool = {
      type: "function",
      function: { name: "f", description: "", parameters: nestedSchema(3000) },
    };
    const parsed = toolSchema.safeParse(tool);
    expect(parsed.success).toBe(false);
    if (!parsed.success)
      expect(formatZodError(parsed.error)).toMatch(/^function\.parameters: the JSON schema nests/);
    const grammar = grammarConstraintSchema.safeParse({
      type: "json_schema",
      schema: JSON.stringify(nestedSchema(40)),
    });
    expect(grammar.success).toBe(false);
  });

  it("refuses length bounds that would expand into a huge grammar", () => {
    expect(exceedsJsonSchemaLimits({ type: "string", maxLength: 100_000_000 })).toMatch(/maxLength/);
  });

  it("leaves a schema that is not JSON to the agent's GrammarSyntaxError", () => {
    expect(grammarConstraintSchema.safeParse({ type: "json_schema", schema: "{nope" }).success).toBe(true);
  });
});

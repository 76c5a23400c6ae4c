import { exceedsJsonSchemaLimits, type GrammarConstraint } from "@paddler/protocol";
import { jsonObjectGrammar } from "./json-object-grammar.js";
import { jsonSchemaToGbnf, SchemaGrammarError } from "./json-schema-grammar/json-schema-to-gbnf.js";
import { invalidRequest } from "./openai-error.js";

export type JsonFormat =
  | { type: "text" }
  | { type: "json_object"; schema?: Record<string, unknown> | null | undefined }
  | { type: "json_schema"; schema?: Record<string, unknown> | null | undefined };

/**
 * The grammar that enforces a response format; `null` for plain text. A JSON schema becomes GBNF
 * here (llama.cpp's rules), so a schema that cannot be compiled is a 400 naming where in the schema
 * (`param` says where the schema sits in the request) before anything is dispatched.
 */
export function toGrammar(format: JsonFormat | null | undefined, param: string): GrammarConstraint | null {
  if (!format || format.type === "text") return null;
  // A json_schema format without a schema means "any JSON object" in OpenAI's API.
  if (!format.schema) return jsonObjectGrammar;
  return { type: "gbnf", grammar: schemaGrammar(format.schema, param), root: "root" };
}

/** GBNF for a schema, or a 400 that names the schema path. */
export function schemaGrammar(schema: unknown, param: string): string {
  // The complexity limits the agent applies to schemas, checked before converting one here.
  const tooComplex = exceedsJsonSchemaLimits(schema);
  if (tooComplex) throw invalidRequest(`Invalid value for '${param}': JSON schema ${tooComplex}`, param);
  try {
    return jsonSchemaToGbnf(schema);
  } catch (error) {
    if (!(error instanceof SchemaGrammarError)) throw error;
    const at = error.path ? `${param}.${error.path}` : param;
    throw invalidRequest(`Invalid JSON schema at '${at}': ${error.message}`, at, "invalid_json_schema");
  }
}

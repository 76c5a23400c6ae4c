import type { GrammarConstraint } from "@paddler/protocol";
import { jsonObjectGrammar } from "./json-object-grammar.js";

export type JsonFormat =
  | { type: "text" }
  | { type: "json_object" }
  | { type: "json_schema"; schema?: Record<string, unknown> | undefined };

/** The grammar that enforces a response format; `null` for plain text. */
export function toGrammar(format: JsonFormat | null | undefined): GrammarConstraint | null {
  if (!format || format.type === "text") return null;
  if (format.type === "json_object") return jsonObjectGrammar;
  // A json_schema format without a schema means "any JSON object" in OpenAI's API.
  if (!format.schema) return jsonObjectGrammar;
  return { type: "json_schema", schema: JSON.stringify(format.schema) };
}

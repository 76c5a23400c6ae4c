import type { GrammarConstraint } from "@paddler/protocol";

/**
 * `response_format: {type: "json_object"}`: any JSON object. llama.cpp's json.gbnf, except that
 * whitespace is at most one space: with newlines allowed, small models pad forever.
 */
export const jsonObjectGrammar: GrammarConstraint = {
  type: "gbnf",
  root: "root",
  grammar: String.raw`root ::= object
value ::= object | array | string | number | ("true" | "false" | "null") ws
object ::= "{" ws ( string ":" ws value ("," ws string ":" ws value)* )? "}" ws
array ::= "[" ws ( value ("," ws value)* )? "]" ws
string ::= "\"" ( [^"\\\x7F\x00-\x1F] | "\\" (["\\/bfnrt] | "u" [0-9a-fA-F]{4}) )* "\"" ws
number ::= ("-"? ([0-9] | [1-9] [0-9]{0,15})) ("." [0-9]+)? ([eE] [-+]? [0-9] [1-9]{0,15})? ws
ws ::= " "?
`,
};

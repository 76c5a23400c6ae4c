import { builtinFunctions } from "./builtin-functions.js";
import { executeTemplate, type TemplateFunction } from "./execute-template.js";
import type { TemplateValue } from "./go-values.js";
import { parseTemplate } from "./parse-template.js";

/** Parses and executes one template text (its `define`s included), as Go's template.Must(New(name).Parse(text)).Execute does. */
export function renderTemplateString(
  source: string,
  data: TemplateValue,
  functions: Readonly<Record<string, TemplateFunction>> = builtinFunctions,
): string {
  const name = "tpl";
  const parsed = parseTemplate(source, { templateName: name, functions: new Set(Object.keys(functions)) });
  const templates = new Map(parsed.defines);
  templates.set(name, parsed.body);
  return executeTemplate({ name, templates, functions, data });
}

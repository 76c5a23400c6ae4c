import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse, parseAllDocuments } from "yaml";
import { z } from "zod";
import { builtinFunctions } from "../go-template/builtin-functions.js";
import { executeTemplate } from "../go-template/execute-template.js";
import type { TemplateMap, TemplateValue } from "../go-template/go-values.js";
import { parseTemplate, type TemplateNode } from "../go-template/parse-template.js";
import { helmFunctions } from "./helm-functions.js";
import { mergeValues } from "./merge-values.js";

const chartFileSchema = z.object({
  apiVersion: z.literal("v2"),
  name: z.string().min(1),
  version: z.string().min(1),
  appVersion: z.string().optional(),
  description: z.string().optional(),
  type: z.enum(["application", "library"]).optional(),
  keywords: z.array(z.string()).optional(),
});

export interface RenderChartOptions {
  chartDir: string;
  releaseName: string;
  namespace?: string;
  /** Like `helm template --values`: merged over values.yaml (maps merge, anything else replaces, null deletes). */
  values?: TemplateMap;
}

export interface RenderedManifest {
  /** The template file it came from, e.g. templates/balancer-deployment.yaml. */
  source: string;
  manifest: Record<string, unknown>;
}

const functions = { ...builtinFunctions, ...helmFunctions };
const functionNames = new Set(Object.keys(functions));

/**
 * `helm template` for this repository's chart, without a helm binary: Chart.yaml and values.yaml
 * read as Helm reads them, every file under templates/ parsed into one set of named templates, and
 * each non-underscore .yaml file executed with `.Values`, `.Release` and `.Chart`. The template
 * language is the subset parseTemplate accepts; anything else fails the render.
 */
export function renderChart(options: RenderChartOptions): {
  files: Map<string, string>;
  manifests: RenderedManifest[];
} {
  const chart = chartFileSchema.parse(parse(readFileSync(join(options.chartDir, "Chart.yaml"), "utf8")));
  const defaults = (parse(readFileSync(join(options.chartDir, "values.yaml"), "utf8")) ?? {}) as TemplateMap;
  const values = mergeValues(defaults, options.values ?? {});
  const data: TemplateValue = {
    Values: values,
    Release: {
      Name: options.releaseName,
      Namespace: options.namespace ?? "default",
      Service: "Helm",
      IsInstall: true,
      IsUpgrade: false,
      Revision: 1,
    },
    Chart: {
      Name: chart.name,
      Version: chart.version,
      AppVersion: chart.appVersion ?? "",
      Description: chart.description ?? "",
      Type: chart.type ?? "application",
    },
  };

  const templatesDir = join(options.chartDir, "templates");
  const templates = new Map<string, TemplateNode[]>();
  const renderable: string[] = [];
  for (const file of readdirSync(templatesDir).sort()) {
    if (!file.endsWith(".yaml") && !file.endsWith(".tpl")) continue;
    const name = `${chart.name}/templates/${file}`;
    const parsed = parseTemplate(readFileSync(join(templatesDir, file), "utf8"), {
      templateName: name,
      functions: functionNames,
    });
    for (const [defineName, body] of parsed.defines) templates.set(defineName, body);
    templates.set(name, parsed.body);
    if (file.endsWith(".yaml") && !file.startsWith("_")) renderable.push(file);
  }

  const files = new Map<string, string>();
  const manifests: RenderedManifest[] = [];
  for (const file of renderable) {
    const name = `${chart.name}/templates/${file}`;
    // Helm blanks Go's "<no value>" (a missing value printed) out of every rendered file.
    const text = executeTemplate({ name, templates, functions, data }).replaceAll("<no value>", "");
    files.set(`templates/${file}`, text);
    for (const document of parseAllDocuments(text)) {
      if (document.errors.length > 0) {
        throw new Error(
          `templates/${file} renders invalid YAML: ${document.errors.map((error) => error.message).join("; ")}`,
        );
      }
      const manifest: unknown = document.toJS();
      if (manifest === null || manifest === undefined) continue;
      if (typeof manifest !== "object" || Array.isArray(manifest)) {
        throw new Error(`templates/${file} renders a document that is not an object`);
      }
      manifests.push({ source: `templates/${file}`, manifest: manifest as Record<string, unknown> });
    }
  }
  return { files, manifests };
}

import { isMap, type TemplateMap, type TemplateValue } from "../go-template/go-values.js";

/**
 * Helm's coalescing of user values over the chart's values.yaml: maps merge key by key, any other
 * value replaces the default, and null deletes the key.
 */
export function mergeValues(defaults: TemplateMap, overrides: TemplateMap): TemplateMap {
  const merged: TemplateMap = { ...defaults };
  for (const [key, value] of Object.entries(overrides)) {
    const base: TemplateValue = merged[key];
    if (value === null) delete merged[key];
    else if (isMap(value) && isMap(base)) merged[key] = mergeValues(base, value);
    else merged[key] = value;
  }
  return merged;
}

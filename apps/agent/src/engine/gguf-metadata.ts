/** Arrays longer than this (token lists, merges) are summarised: they run to megabytes on real models. */
const maxArrayItems = 256;

/**
 * GGUF metadata as Paddler's ModelMetadata: dotted keys, every value a string.
 * node-llama-cpp parses the metadata into nested objects; this flattens them back.
 */
export function flattenGgufMetadata(metadata: unknown): Record<string, string> {
  const flat: Record<string, string> = {};
  visit(metadata, "", flat);
  return flat;
}

function visit(value: unknown, key: string, out: Record<string, string>): void {
  if (Array.isArray(value)) {
    out[key] =
      value.length > maxArrayItems
        ? `[array of ${value.length} items]`
        : JSON.stringify(value, bigintToString);
    return;
  }
  if (value !== null && typeof value === "object") {
    for (const [childKey, child] of Object.entries(value)) {
      visit(child, key === "" ? childKey : `${key}.${childKey}`, out);
    }
    return;
  }
  if (key !== "") out[key] = String(value);
}

function bigintToString(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? value.toString() : value;
}

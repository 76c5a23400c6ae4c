/**
 * llama-server's request keys that are accepted (clients send them unchanged) but that the built-in
 * node-llama-cpp engine does not apply, with the reason an operator reads in the debug log.
 */
const notApplied: Readonly<Record<string, string>> = {
  typical_p:
    "node-llama-cpp has no locally typical sampler; only agents in front of llama-server (or an OpenAI-compatible upstream) apply it",
  cache_prompt: "prefix reuse per slot is always on",
};

/** The not-applied keys a parsed body holds (set to something other than null), with why. */
export function notAppliedKeys(body: unknown): Record<string, string> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return {};
  const found: Record<string, string> = {};
  for (const [key, reason] of Object.entries(notApplied)) {
    if ((body as Record<string, unknown>)[key] != null) found[key] = reason;
  }
  return found;
}

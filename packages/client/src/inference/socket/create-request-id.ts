/**
 * A random request id. `crypto.randomUUID` exists only in secure contexts, and the admin panel
 * may be served over plain http, so fall back to `getRandomValues` (available everywhere).
 */
export function createRequestId(): string {
  if (typeof globalThis.crypto.randomUUID === "function" && globalThis.isSecureContext !== false) {
    return globalThis.crypto.randomUUID();
  }
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

import { createHash, timingSafeEqual } from "node:crypto";

/** Says whether a presented credential is one of the configured secrets. */
export type SecretMatcher = (candidate: string | null | undefined) => boolean;

const digest = (text: string) => createHash("sha256").update(text, "utf8").digest();

/**
 * A constant-time check against a set of secrets, or null when none is configured (the service is
 * open, as in Paddler). Both sides are hashed first, so neither the length nor a common prefix of
 * a secret leaks through timing, and every secret is compared whatever matched before.
 */
export function createSecretMatcher(secrets: readonly string[]): SecretMatcher | null {
  if (secrets.length === 0) return null;
  const digests = secrets.map(digest);
  return (candidate) => {
    if (typeof candidate !== "string" || candidate === "") return false;
    const presented = digest(candidate);
    let matched = false;
    for (const expected of digests) matched = timingSafeEqual(presented, expected) || matched;
    return matched;
  };
}

import { describe, expect, it } from "vitest";
import { createSecretMatcher } from "./secret-matcher.js";

describe("createSecretMatcher", () => {
  it("is null when no secret is configured", () => {
    expect(createSecretMatcher([])).toBeNull();
  });

  it("accepts each configured secret and nothing else", () => {
    const matches = createSecretMatcher(["alpha", "beta-longer-key"]);
    expect(matches?.("alpha")).toBe(true);
    expect(matches?.("beta-longer-key")).toBe(true);
    for (const wrong of ["", "alph", "alpha ", "ALPHA", "beta", null, undefined]) {
      expect(matches?.(wrong)).toBe(false);
    }
  });
});

import { describe, expect, it } from "vitest";
import { notAppliedKeys } from "./not-applied-keys.js";

describe("notAppliedKeys", () => {
  it("names typical_p and cache_prompt with the reason they are not applied", () => {
    const found = notAppliedKeys({ typical_p: 0.9, cache_prompt: true, top_k: 20 });
    expect(Object.keys(found)).toEqual(["typical_p", "cache_prompt"]);
    expect(found.typical_p).toMatch(/typical sampler/);
  });

  it("ignores absent and null keys", () => {
    expect(notAppliedKeys({ typical_p: null, temperature: 0 })).toEqual({});
    expect(notAppliedKeys("x")).toEqual({});
  });
});

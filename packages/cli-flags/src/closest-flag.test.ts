import { describe, expect, it } from "vitest";
import { closestFlag } from "./closest-flag.js";

const flags = ["slots", "pool", "threads", "management-addr", "inference-addr", "log-level"].map((name) => ({
  name,
  description: "",
}));

describe("closestFlag", () => {
  it.each([
    ["slot", "slots"],
    ["pol", "pool"],
    ["thread", "threads"],
    ["managment-addr", "management-addr"],
    ["inference", "inference-addr"],
    ["loglevel", "log-level"],
  ])("suggests --%s → --%s", (typed, expected) => {
    expect(closestFlag(typed, flags)).toBe(expected);
  });

  it("suggests nothing for a name far from every flag", () => {
    expect(closestFlag("foo", flags)).toBeNull();
  });
});

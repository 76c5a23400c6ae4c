import { describe, expect, it } from "vitest";
import { exceedsJsonLimits, parseJsonWithLimits } from "./json-limits.js";

describe("parseJsonWithLimits", () => {
  it("parses ordinary JSON", () => {
    expect(parseJsonWithLimits('{"a":[1,{"b":"[[[["}]}')).toEqual({
      ok: true,
      value: { a: [1, { b: "[[[[" }] },
    });
  });

  it("refuses a 10 MB nested array before building it", () => {
    const half = 5 * 1024 * 1024;
    const result = parseJsonWithLimits("[".repeat(half) + "]".repeat(half));
    expect(result).toEqual({ ok: false, kind: "limit", reason: "JSON nests deeper than 128 levels" });
  });

  it("counts only brackets outside strings, escapes included", () => {
    const text = JSON.stringify({ s: `\\"${"[".repeat(1000)}` });
    expect(exceedsJsonLimits(text)).toBeNull();
    expect(exceedsJsonLimits(`${"[".repeat(128)}${"]".repeat(128)}`)).toBeNull();
    expect(exceedsJsonLimits(`${"{".repeat(129)}`)).toMatch(/deeper than 128/);
  });

  it("refuses a document with too many values", () => {
    expect(exceedsJsonLimits(`[${"0,".repeat(20)}0]`, { maxDepth: 5, maxValues: 10 })).toMatch(
      /more than 10 values/,
    );
  });

  it("reports a syntax error apart from a limit", () => {
    expect(parseJsonWithLimits("{")).toMatchObject({ ok: false, kind: "syntax" });
  });
});

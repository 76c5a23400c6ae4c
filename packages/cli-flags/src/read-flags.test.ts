import { describe, expect, it } from "vitest";
import type { FlagDefinition } from "./flag-definition.js";
import { readFlags } from "./read-flags.js";
import { renderHelp } from "./render-help.js";

const flags: FlagDefinition[] = [
  { name: "key", valueName: "key", repeatable: true, env: "KEYS", envSeparator: ",", description: "A key" },
];

describe("readFlags with an env separator", () => {
  it("splits the environment variable of a repeatable flag", () => {
    expect(readFlags({ argv: [], env: { KEYS: "a, b,,c" }, flags }).values.key).toEqual(["a", "b", "c"]);
  });

  it("prefers the command line, whose values are never split", () => {
    expect(readFlags({ argv: ["--key", "x,y"], env: { KEYS: "a" }, flags }).values.key).toEqual(["x,y"]);
  });

  it("says so in --help", () => {
    expect(renderHelp({ usage: "u", summary: "s", flags })).toContain("env: KEYS, ','-separated");
  });
});

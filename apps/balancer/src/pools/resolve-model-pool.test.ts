import { defaultFleetSettings, type FleetSettings } from "@paddler/protocol";
import { describe, expect, it } from "vitest";
import { resolveModelPool } from "./resolve-model-pool.js";

const pools = new Map<string, string | null>([
  ["default", "stories260K.gguf"],
  ["chat", "qwen.gguf"],
  ["embed", null],
]);
const settings: FleetSettings = {
  ...defaultFleetSettings,
  aliases: { "gpt-4o": "chat", "chat-old": "gone" },
  rules: [
    { pattern: "gpt-oss:20b-64k.*", pool: "chat" },
    { pattern: "text-embedding-.*", pool: "embed" },
    { pattern: ".*", pool: "gone" },
  ],
};

describe("resolveModelPool", () => {
  it("tries the pool name, then aliases, then model files, then rules in order, then the fallback", () => {
    expect(resolveModelPool("embed", settings, pools)).toEqual({ pool: "embed", by: "name" });
    expect(resolveModelPool("gpt-4o", settings, pools)).toEqual({ pool: "chat", by: "alias" });
    expect(resolveModelPool("qwen.gguf", settings, pools)).toEqual({ pool: "chat", by: "model_file" });
    expect(resolveModelPool("gpt-oss:20b-64k-q4", settings, pools)).toEqual({
      pool: "chat",
      by: "rule",
      rule: 0,
    });
    expect(resolveModelPool("text-embedding-3-small", settings, pools)).toMatchObject({
      pool: "embed",
      rule: 1,
    });
    // Whole-name match only; rules and aliases naming a missing pool are skipped.
    expect(resolveModelPool("my-gpt-oss:20b-64k", settings, pools)).toBeNull();
    expect(resolveModelPool("chat-old", settings, pools)).toBeNull();
    expect(resolveModelPool("x", { ...settings, fallback_pool: "default" }, pools)).toEqual({
      pool: "default",
      by: "fallback",
    });
  });

  it("sends every name to the default pool when it is the only one, as Paddler serves its one model", () => {
    expect(resolveModelPool("gpt-4", defaultFleetSettings, new Map([["default", null]]))).toEqual({
      pool: "default",
      by: "only_pool",
    });
  });
});

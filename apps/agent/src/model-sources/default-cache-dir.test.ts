import path from "node:path";
import { describe, expect, it } from "vitest";
import { defaultCacheDir } from "./default-cache-dir.js";

describe("defaultCacheDir", () => {
  it("prefers PADDLER_CACHE_DIR", () => {
    expect(defaultCacheDir({ PADDLER_CACHE_DIR: "/data/paddler", XDG_CACHE_HOME: "/xdg" }, "/home/u")).toBe(
      "/data/paddler",
    );
  });

  it("falls back to XDG_CACHE_HOME/paddler, then ~/.cache/paddler", () => {
    expect(defaultCacheDir({ XDG_CACHE_HOME: "/xdg" }, "/home/u")).toBe("/xdg/paddler");
    expect(defaultCacheDir({}, "/home/u")).toBe(path.join("/home/u", ".cache", "paddler"));
  });

  it("treats empty variables as unset", () => {
    expect(defaultCacheDir({ PADDLER_CACHE_DIR: "", XDG_CACHE_HOME: "" }, "/home/u")).toBe(
      "/home/u/.cache/paddler",
    );
  });
});

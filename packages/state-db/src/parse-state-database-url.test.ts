import { describe, expect, it } from "vitest";
import { StateDatabaseUrlError } from "./errors.js";
import { parseStateDatabaseUrl } from "./parse-state-database-url.js";

describe("parseStateDatabaseUrl", () => {
  it("reads memory:// and absolute file:// URLs", () => {
    expect(parseStateDatabaseUrl("memory://")).toEqual({ driver: "memory" });
    expect(parseStateDatabaseUrl("file:///var/lib/paddler/state.json")).toEqual({
      driver: "file",
      path: "/var/lib/paddler/state.json",
    });
  });

  it.each([
    ["", "INVALID_URL", /empty/],
    ["file://", "INVALID_URL", /file path is empty/],
    ["file://state.json", "INVALID_URL", /relative/],
    ["file://./state.json", "INVALID_URL", /relative/],
    ["postgres://localhost/paddler", "UNSUPPORTED_SCHEME", /scheme 'postgres' is not supported/],
    ["memory", "UNSUPPORTED_SCHEME", /no scheme/],
    ["/tmp/state.json", "UNSUPPORTED_SCHEME", /no scheme/],
  ])("refuses %j", (url, code, message) => {
    const error = (() => {
      try {
        parseStateDatabaseUrl(url);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(StateDatabaseUrlError);
    expect(error).toMatchObject({ code, url, name: "StateDatabaseUrlError" });
    expect((error as Error).message).toMatch(message);
  });
});

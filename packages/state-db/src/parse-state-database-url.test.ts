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

  it("reads postgres:// and postgresql:// URLs, and never echoes a bad one's password", () => {
    expect(parseStateDatabaseUrl("postgres://paddler:pw@db:5432/paddler")).toEqual({ driver: "postgres" });
    expect(parseStateDatabaseUrl("postgresql://db/paddler?sslmode=require")).toEqual({ driver: "postgres" });
    expect(() => parseStateDatabaseUrl("postgres://paddler:s3cret@/paddler")).toThrow(
      expect.objectContaining({ code: "INVALID_URL", url: "postgres://(redacted)" }),
    );
  });

  it.each([
    ["", "INVALID_URL", /empty/],
    ["file://", "INVALID_URL", /file path is empty/],
    ["file://state.json", "INVALID_URL", /relative/],
    ["file://./state.json", "INVALID_URL", /relative/],
    ["mysql://localhost/paddler", "UNSUPPORTED_SCHEME", /scheme 'mysql' is not supported/],
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

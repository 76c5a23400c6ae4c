import { describe, expect, it } from "vitest";
import { parseStateDatabaseStatus } from "./state-database-health.js";

describe("parseStateDatabaseStatus", () => {
  it("reads Paddler's plain OK as available", () => {
    expect(parseStateDatabaseStatus("OK")).toEqual({ available: true });
  });

  it("reads the degraded body: since when and why", () => {
    const body = JSON.stringify({
      status: "degraded",
      state_database: {
        available: false,
        since: "2026-12-02T18:00:00.000Z",
        reason: "connect ECONNREFUSED 127.0.0.1:5432",
      },
    });
    expect(parseStateDatabaseStatus(body)).toEqual({
      available: false,
      since: Date.parse("2026-12-02T18:00:00.000Z"),
      reason: "connect ECONNREFUSED 127.0.0.1:5432",
    });
  });

  it("refuses a body it does not know, naming what is wrong", () => {
    expect(() => parseStateDatabaseStatus('{"status":"degraded"}')).toThrow(/state_database/);
    expect(() => parseStateDatabaseStatus("<html>")).toThrow(/unexpected \/health body/);
  });
});

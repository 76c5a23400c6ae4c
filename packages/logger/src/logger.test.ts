import { describe, expect, it } from "vitest";
import { createLogger } from "./logger.js";

describe("createLogger", () => {
  it("writes JSON lines at or above its level, with child fields", () => {
    const lines: string[] = [];
    const logger = createLogger({ level: "info", write: (line) => lines.push(line), now: () => new Date(0) });
    logger.debug("hidden");
    logger.child({ agentId: "a1" }).warn("slow", { requestId: "r1", error: new TypeError("boom") });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? "")).toEqual({
      time: "1970-01-01T00:00:00.000Z",
      level: "warn",
      msg: "slow",
      agentId: "a1",
      requestId: "r1",
      error: { name: "TypeError", message: "boom" },
    });
  });
});

describe("createLogger in pretty format", () => {
  it("writes one readable line per record with its fields, no JSON braces around it", () => {
    const lines: string[] = [];
    const logger = createLogger({ format: "pretty", write: (line) => lines.push(line) });
    logger.child({ component: "agent" }).warn("the balancer is unreachable", { url: "ws://127.0.0.1:1" });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/WARN.*the balancer is unreachable.*component.*agent.*ws:\/\/127\.0\.0\.1:1/);
    expect(lines[0]?.startsWith("{")).toBe(false);
  });

  it("adds what enrich returns (e.g. a trace id) to every line", () => {
    const lines: string[] = [];
    const logger = createLogger({ write: (line) => lines.push(line), enrich: () => ({ traceId: "abc" }) });
    logger.child({ a: 1 }).info("x");
    expect(JSON.parse(lines[0] ?? "")).toMatchObject({ traceId: "abc", a: 1 });
  });
});

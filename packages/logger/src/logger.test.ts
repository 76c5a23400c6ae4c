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

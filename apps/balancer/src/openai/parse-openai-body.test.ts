import { createLogger } from "@paddler/logger";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseOpenAIBody } from "./parse-openai-body.js";

const schema = z.object({ model: z.string() });

function appLogging(level: "debug" | "info", lines: string[]) {
  const logger = createLogger({ level, write: (line) => lines.push(line) });
  return new Hono().post("/", async (c) => c.json(await parseOpenAIBody(c, schema, logger)));
}

describe("parseOpenAIBody", () => {
  it("logs the keys it dropped at debug level", async () => {
    const lines: string[] = [];
    const response = await appLogging("debug", lines).request("/", {
      method: "POST",
      body: JSON.stringify({ model: "m", frobnicate: 1 }),
    });
    expect(await response.json()).toEqual({ model: "m" });
    expect(lines.map((line) => JSON.parse(line))).toContainEqual(
      expect.objectContaining({ msg: "ignored unknown request keys", keys: ["frobnicate"] }),
    );
  });

  it("writes nothing about dropped keys above debug level", async () => {
    const lines: string[] = [];
    const response = await appLogging("info", lines).request("/", {
      method: "POST",
      body: JSON.stringify({ model: "m", frobnicate: 1 }),
    });
    expect(await response.json()).toEqual({ model: "m" });
    expect(lines).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { parseToolCalls } from "./parse-tool-calls.js";

describe("tool call parsing", () => {
  const tools = [{ type: "function" as const, function: { name: "get_weather", description: "" } }];

  it("parses calls, string arguments and unknown tools", () => {
    expect(
      parseToolCalls(['{"name":"get_weather","arguments":"{\\"city\\":\\"Oslo\\"}"}'], tools),
    ).toMatchObject({
      ToolCallParsed: [{ name: "get_weather", arguments: { ValidJson: { city: "Oslo" } } }],
    });
    expect(parseToolCalls(['{"name":"nope","arguments":{}}'], tools)).toEqual({
      ToolCallValidationFailed: ['Unknown tool "nope"'],
    });
    expect(parseToolCalls(["{oops"], tools)).toHaveProperty("ToolCallParseFailed");
    expect(parseToolCalls([], tools)).toBeNull();
  });
});

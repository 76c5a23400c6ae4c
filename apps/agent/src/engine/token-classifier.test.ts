import { describe, expect, it } from "vitest";
import { createTokenClassifier } from "./token-classifier.js";

describe("token classifier", () => {
  it("splits think blocks and tool calls across chunk boundaries", () => {
    const classifier = createTokenClassifier({ reasoning: true, toolCalls: true, startInReasoning: false });
    const out = [
      ...classifier.push("<thi"),
      ...classifier.push("nk>hmm</think>Hi <tool_"),
      ...classifier.push('call>{"name":"x"}</tool_call>'),
      ...classifier.flush(),
    ];
    expect(out).toEqual([
      { kind: "reasoning", text: "hmm" },
      { kind: "content", text: "Hi " },
      { kind: "tool_call", text: '{"name":"x"}' },
    ]);
  });

  it("leaves tags as content when reasoning is off", () => {
    const classifier = createTokenClassifier({ reasoning: false, toolCalls: false, startInReasoning: true });
    expect([...classifier.push("<think>a</think>"), ...classifier.flush()]).toEqual([
      { kind: "content", text: "<think>a</think>" },
    ]);
  });
});

import { describe, expect, it } from "vitest";
import { replyStep } from "./chat-turn.js";

const token = (GeneratedToken: unknown) =>
  ({ Response: { generated_by: "a", request_id: "r", response: { GeneratedToken } } }) as Parameters<
    typeof replyStep
  >[0];

describe("replyStep", () => {
  it("keeps thinking apart from the answer", () => {
    expect(replyStep(token({ ReasoningToken: "hmm" }))).toEqual({ kind: "reasoning", text: "hmm" });
    expect(replyStep(token({ ContentToken: "Hi" }))).toEqual({ kind: "content", text: "Hi" });
  });
  it("ends on Done with usage and the agent's name", () => {
    const usage = {
      prompt_tokens: 1,
      cached_prompt_tokens: 0,
      input_image_tokens: 0,
      input_audio_tokens: 0,
      content_tokens: 2,
      reasoning_tokens: 0,
      tool_call_tokens: 0,
      undeterminable_tokens: 0,
    };
    expect(replyStep(token({ Done: { usage } }))).toEqual({ kind: "done", usage, generatedBy: "a" });
  });
  it("reports errors and embeddings mode", () => {
    expect(
      replyStep({
        Error: { request_id: "r", error: { code: 503, description: "Buffered requests overflow" } },
      }),
    ).toEqual({
      kind: "error",
      message: "503: Buffered requests overflow",
    });
    expect(replyStep(token({ SamplerError: "boom" }))).toEqual({
      kind: "error",
      message: "SamplerError: boom",
    });
    expect(replyStep(token("TokenGenerationDisabled"))).toEqual({ kind: "generation-disabled" });
    expect(replyStep({ Notification: "TokenGenerationDisabled" })).toEqual({ kind: "generation-disabled" });
  });
});

import { describe, expect, it } from "vitest";
import { checkRequestLimits } from "./request-limits.js";

const limits = { maxPromptChars: 10, maxConversationMessages: 2, maxEmbeddingDocuments: 2 };
const history = (contents: string[]) => ({
  ContinueFromConversationHistory: {
    add_generation_prompt: true,
    enable_thinking: false,
    max_tokens: 5,
    conversation_history: contents.map((content) => ({ role: "user", content })),
  },
});

describe("checkRequestLimits", () => {
  it("lets requests within every limit through", () => {
    expect(
      checkRequestLimits({ ContinueFromRawPrompt: { raw_prompt: "0123456789", max_tokens: 1 } }, limits),
    ).toBeNull();
    expect(checkRequestLimits(history(["12345", "67890"]), limits)).toBeNull();
    expect(checkRequestLimits("GetModelMetadata", limits)).toBeNull();
  });

  it("names the field and the limit of a long raw prompt", () => {
    expect(
      checkRequestLimits({ ContinueFromRawPrompt: { raw_prompt: "0123456789x", max_tokens: 1 } }, limits),
    ).toEqual({ field: "raw_prompt", reason: "is 11 characters long; the limit is 10" });
  });

  it("counts a conversation's messages and the text of all of them, parts included", () => {
    expect(checkRequestLimits(history(["a", "b", "c"]), limits)?.reason).toBe(
      "has 3 messages; the limit is 2",
    );
    expect(checkRequestLimits(history(["123456", "78901"]), limits)?.reason).toBe(
      "holds 11 characters of text; the limit is 10",
    );
    const parts = history([]);
    parts.ContinueFromConversationHistory.conversation_history = [
      {
        role: "user",
        // @ts-expect-error the helper types content as string; parts are valid on the wire.
        content: [
          { type: "text", text: "123456" },
          { type: "image_url", image_url: { url: "data:image/png;base64,AAAAAAAAAAAAAAAAAAAA" } },
          { type: "text", text: "78901" },
        ],
      },
    ];
    expect(checkRequestLimits(parts, limits)?.field).toBe("conversation_history");
  });

  it("bounds the documents of an embedding batch and the length of each", () => {
    const batch = (contents: string[]) => ({
      GenerateEmbeddingBatch: {
        input_batch: contents.map((content, index) => ({ id: String(index), content })),
        normalization_method: "None" as const,
      },
    });
    expect(checkRequestLimits(batch(["a", "b"]), limits)).toBeNull();
    expect(checkRequestLimits(batch(["a", "b", "c"]), limits)).toEqual({
      field: "input_batch",
      reason: "has 3 documents; the limit is 2",
    });
    expect(checkRequestLimits(batch(["0123456789x"]), limits)?.field).toBe("input_batch");
  });
});

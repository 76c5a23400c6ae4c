import { describe, expect, it } from "vitest";
import { detailText } from "./issue-detail-text.js";

describe("detailText", () => {
  it("shows a nested model path as the path, and anything else as text", () => {
    expect(detailText({ model_path: "/m.gguf" })).toBe("/m.gguf");
    expect(detailText("/m.gguf")).toBe("/m.gguf");
    expect(detailText(3)).toBe("3");
  });
});

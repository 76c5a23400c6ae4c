import { describe, expect, it } from "vitest";
import { agentDesiredModelFromUri, agentDesiredModelToUri, ModelUriError } from "./model-uri.js";

describe("agentDesiredModelFromUri", () => {
  it("parses Paddler's three URI kinds and round-trips them", () => {
    const cases = [
      [
        "https://huggingface.co/Qwen/Qwen3-0.6B-GGUF/blob/main/Qwen3-0.6B-Q8_0.gguf",
        {
          HuggingFace: {
            repo_id: "Qwen/Qwen3-0.6B-GGUF",
            revision: "main",
            filename: "Qwen3-0.6B-Q8_0.gguf",
          },
        },
      ],
      ["agent:///models/a.gguf", { LocalToAgent: "/models/a.gguf" }],
      ["https://example.com/a.gguf", { Url: { url: "https://example.com/a.gguf" } }],
      ["", "None"],
    ] as const;
    for (const [uri, model] of cases) {
      expect(agentDesiredModelFromUri(uri)).toEqual(model);
      expect(agentDesiredModelToUri(model)).toBe(uri);
    }
    expect(
      agentDesiredModelFromUri(
        "https://huggingface.co/Qwen/Qwen3-0.6B-GGUF/resolve/main/Qwen3-0.6B-Q8_0.gguf",
      ),
    ).toMatchObject({ HuggingFace: { filename: "Qwen3-0.6B-Q8_0.gguf" } });
  });

  it("explains what is wrong", () => {
    expect(() => agentDesiredModelFromUri("ftp://x/a.gguf")).toThrow(ModelUriError);
    // A relative path set through the API round-trips through the panel's form.
    expect(agentDesiredModelFromUri("agent://models/relative.gguf")).toEqual({
      LocalToAgent: "models/relative.gguf",
    });
    expect(agentDesiredModelToUri({ LocalToAgent: "models/relative.gguf" })).toBe(
      "agent://models/relative.gguf",
    );
    expect(() => agentDesiredModelFromUri("agent://")).toThrow("needs a path");
    expect(() => agentDesiredModelFromUri("https://huggingface.co/only-owner")).toThrow("Hugging Face URL");
  });
});

import { describe, expect, it } from "vitest";
import { huggingFaceSettingsFromEnv } from "./hugging-face-settings.js";

describe("huggingFaceSettingsFromEnv", () => {
  it("defaults to huggingface.co without a token", () => {
    expect(huggingFaceSettingsFromEnv({})).toEqual({ endpoint: "https://huggingface.co", token: undefined });
  });

  it("reads HF_ENDPOINT (without a trailing slash) and HF_TOKEN", () => {
    expect(huggingFaceSettingsFromEnv({ HF_ENDPOINT: "http://mirror.local/", HF_TOKEN: "hf_x" })).toEqual({
      endpoint: "http://mirror.local",
      token: "hf_x",
    });
  });
});

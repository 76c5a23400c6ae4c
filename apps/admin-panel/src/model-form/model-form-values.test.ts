import { defaultBalancerDesiredState } from "@paddler/protocol";
import { describe, expect, it } from "vitest";
import { formValuesFromState, parseParameter, validateModelForm } from "./model-form-values.js";

describe("validateModelForm", () => {
  it("round-trips the default state", () => {
    const result = validateModelForm(formValuesFromState(defaultBalancerDesiredState));
    expect(result).toEqual({ ok: true, state: defaultBalancerDesiredState });
  });

  it("parses model URIs into the state's variants", () => {
    const values = formValuesFromState(defaultBalancerDesiredState);
    const result = validateModelForm({
      ...values,
      modelUri: "https://huggingface.co/Qwen/Qwen3-0.6B-GGUF/blob/main/Qwen3-0.6B-Q8_0.gguf",
      multimodalProjectionUri: "agent:///models/mmproj.gguf",
    });
    expect(result.ok && result.state.model).toEqual({
      HuggingFace: { repo_id: "Qwen/Qwen3-0.6B-GGUF", revision: "main", filename: "Qwen3-0.6B-Q8_0.gguf" },
    });
    expect(result.ok && result.state.multimodal_projection).toEqual({ LocalToAgent: "/models/mmproj.gguf" });
  });

  it("names each bad field", () => {
    const values = formValuesFromState(defaultBalancerDesiredState);
    const result = validateModelForm({
      ...values,
      modelUri: "ftp://x/y.gguf",
      useChatTemplateOverride: true,
      chatTemplate: " ",
      parameters: { ...values.parameters, top_p: "1.5", context_size: "abc", n_batch: "0" },
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.errors).sort()).toEqual([
      "chatTemplate",
      "modelUri",
      "parameters.context_size",
      "parameters.n_batch",
      "parameters.top_p",
    ]);
    expect(result.errors["parameters.top_p"]).toBe("Must be at most 1");
  });
});

describe("parseParameter", () => {
  it("reads numbers, booleans and choices", () => {
    expect(parseParameter("temperature", "0.5")).toEqual({ ok: true, value: 0.5 });
    expect(parseParameter("enable_embeddings", "true")).toEqual({ ok: true, value: true });
    expect(parseParameter("k_cache_dtype", "F16")).toEqual({ ok: true, value: "F16" });
    expect(parseParameter("top_k", "2.5")).toEqual({ ok: false, message: "Must be a whole number" });
    expect(parseParameter("top_k", "")).toEqual({ ok: false, message: "Required" });
  });
});

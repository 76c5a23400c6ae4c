import { defaultBalancerDesiredState, toAgentDesiredState } from "@paddler/protocol";
import { describe, expect, it } from "vitest";
import { isRuntimeOnlyChange } from "./runtime-only-change.js";

const base = toAgentDesiredState({ ...defaultBalancerDesiredState, model: { LocalToAgent: "/m.gguf" } });
const withParameters = (change: Partial<typeof base.inference_parameters>) => ({
  ...base,
  inference_parameters: { ...base.inference_parameters, ...change },
});

describe("isRuntimeOnlyChange", () => {
  it("needs no reload for sampling or the chat template", () => {
    expect(isRuntimeOnlyChange(base, withParameters({ temperature: 0.1, top_k: 5, penalty_repeat: 1 }))).toBe(
      true,
    );
    expect(isRuntimeOnlyChange(base, { ...base, chat_template_override: { content: "{{ x }}" } })).toBe(true);
  });

  it("reloads for the model, the projection and context settings", () => {
    expect(isRuntimeOnlyChange(base, { ...base, model: { LocalToAgent: "/other.gguf" } })).toBe(false);
    expect(isRuntimeOnlyChange(base, { ...base, multimodal_projection: { LocalToAgent: "/p.gguf" } })).toBe(
      false,
    );
    expect(isRuntimeOnlyChange(base, withParameters({ context_size: 1024 }))).toBe(false);
    expect(isRuntimeOnlyChange(base, withParameters({ enable_embeddings: true }))).toBe(false);
  });
});

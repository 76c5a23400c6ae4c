import { defaultBalancerDesiredState, toAgentDesiredState } from "@paddler/protocol";
import { describe, expect, it } from "vitest";
import { llamaServerNeedsRestart } from "./llama-server-needs-restart.js";

const base = toAgentDesiredState({ ...defaultBalancerDesiredState, model: { LocalToAgent: "/m.gguf" } });
const withParameters = (change: Partial<typeof base.inference_parameters>) => ({
  ...base,
  inference_parameters: { ...base.inference_parameters, ...change },
});

describe("llamaServerNeedsRestart", () => {
  it("keeps llama-server running for per-request parameters (sampling)", () => {
    expect(llamaServerNeedsRestart(base, base)).toBe(false);
    expect(
      llamaServerNeedsRestart(
        base,
        withParameters({
          temperature: 0.1,
          top_k: 5,
          top_p: 0.5,
          min_p: 0.2,
          penalty_repeat: 1.3,
          penalty_presence: 0.4,
          penalty_frequency: 0.6,
        }),
      ),
    ).toBe(false);
  });

  it("restarts it when a launch argument changes", () => {
    expect(llamaServerNeedsRestart(base, { ...base, model: { LocalToAgent: "/other.gguf" } })).toBe(true);
    expect(
      llamaServerNeedsRestart(base, { ...base, multimodal_projection: { LocalToAgent: "/p.gguf" } }),
    ).toBe(true);
    expect(llamaServerNeedsRestart(base, withParameters({ context_size: 1024 }))).toBe(true);
    expect(llamaServerNeedsRestart(base, withParameters({ n_batch: 64 }))).toBe(true);
    expect(llamaServerNeedsRestart(base, withParameters({ n_gpu_layers: 7 }))).toBe(true);
    expect(llamaServerNeedsRestart(base, withParameters({ k_cache_dtype: "F16" }))).toBe(true);
    expect(llamaServerNeedsRestart(base, withParameters({ enable_embeddings: true }))).toBe(true);
  });

  it("restarts it for a new, changed or removed chat template (llama-server reads it at start)", () => {
    const templated = { ...base, chat_template_override: { content: "{{ messages }}" } };
    expect(llamaServerNeedsRestart(base, templated)).toBe(true);
    expect(
      llamaServerNeedsRestart(templated, { ...base, chat_template_override: { content: "other" } }),
    ).toBe(true);
    expect(llamaServerNeedsRestart(templated, base)).toBe(true);
    expect(llamaServerNeedsRestart(templated, { ...templated })).toBe(false);
  });
});

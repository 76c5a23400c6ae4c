import { defaultBalancerDesiredState, toAgentDesiredState } from "@paddler/protocol";
import { describe, expect, it } from "vitest";
import { llamaServerArgs } from "./llama-server-args.js";

const desiredState = toAgentDesiredState({
  ...defaultBalancerDesiredState,
  model: { LocalToAgent: "/models/m.gguf" },
});
const base = {
  modelPath: "/models/m.gguf",
  multimodalProjectionPath: null,
  desiredState,
  slots: 4,
  threads: 2,
  port: 8123,
  chatTemplateFile: null,
  kvCacheFallback: false,
};

/** The value after `flag`, or undefined when the flag is absent. */
function flagValue(args: string[], flag: string): string | undefined {
  const index = args.indexOf(flag);
  return index < 0 ? undefined : args[index + 1];
}

describe("llamaServerArgs", () => {
  it("passes the resolved multimodal projection as --mmproj, and none without one", () => {
    expect(
      flagValue(llamaServerArgs({ ...base, multimodalProjectionPath: "/cache/mmproj-f16.gguf" }), "--mmproj"),
    ).toBe("/cache/mmproj-f16.gguf");
    expect(llamaServerArgs(base)).not.toContain("--mmproj");
  });

  it("passes the chat template override's file with --jinja, and only --jinja without one", () => {
    const args = llamaServerArgs({ ...base, chatTemplateFile: "/tmp/t/chat-template.jinja" });
    expect(flagValue(args, "--chat-template-file")).toBe("/tmp/t/chat-template.jinja");
    expect(args).toContain("--jinja");
    expect(llamaServerArgs(base)).not.toContain("--chat-template-file");
    expect(llamaServerArgs(base)).toContain("--jinja");
  });

  it("maps the model, slots, context, threads and port", () => {
    const args = llamaServerArgs(base);
    expect(flagValue(args, "--model")).toBe("/models/m.gguf");
    expect(flagValue(args, "--parallel")).toBe("4");
    expect(flagValue(args, "--threads")).toBe("2");
    expect(flagValue(args, "--port")).toBe("8123");
    expect(flagValue(args, "--ctx-size")).toBe(String(desiredState.inference_parameters.context_size));
  });
});

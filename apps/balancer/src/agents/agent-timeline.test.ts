import type { AgentControllerSnapshot } from "@paddler/protocol";
import { describe, expect, it } from "vitest";
import { createAgentTimeline } from "./agent-timeline.js";

const base: AgentControllerSnapshot = {
  id: "a1",
  name: "gpu-1",
  desired_slots_total: 4,
  slots_processing: 0,
  slots_total: 4,
  model_path: "/m.gguf",
  download_current: 0,
  download_total: 0,
  download_filename: null,
  download_indeterminate: false,
  issues: [],
  uses_chat_template_override: false,
  state_application_status: "Applied",
};

describe("agent timeline", () => {
  it("records joins, reloads, issues, warnings, drains and leaves from successive snapshots", () => {
    let clock = 0;
    const timeline = createAgentTimeline({ now: () => ++clock });
    timeline.observe([base]);
    timeline.observe([{ ...base, slots_total: 0 }]);
    timeline.observe([
      {
        ...base,
        slots_total: 0,
        state_application_status: "AttemptedAndRetrying",
        issues: [{ ModelFileDoesNotExist: { model_path: "/x.gguf" } }],
      },
    ]);
    timeline.observe([{ ...base, warnings: ["KV cache type Q8_0/Q8_0 does not work"] }]);
    timeline.observe([
      {
        ...base,
        warnings: ["KV cache type Q8_0/Q8_0 does not work"],
        drained_by_operator: true,
        slots_total: 0,
      },
    ]);
    timeline.observe([{ ...base, warnings: ["KV cache type Q8_0/Q8_0 does not work"] }]);
    timeline.observe([]);
    expect(timeline.events().map((event) => [event.kind, event.detail])).toEqual([
      ["joined", "/m.gguf"],
      ["loading", "draining its slots to reload"],
      ["retrying", "/m.gguf"],
      ["issue", "ModelFileDoesNotExist"],
      ["applied", "/m.gguf"],
      ["issue_cleared", "ModelFileDoesNotExist"],
      ["warning", "KV cache type Q8_0/Q8_0 does not work"],
      ["drained", null],
      ["undrained", null],
      ["left", null],
    ]);
    expect(timeline.events("other")).toEqual([]);
  });
});

import type { AgentControllerSnapshot } from "@paddler/client";
import { describe, expect, it } from "vitest";
import { agentState, fileName } from "./agent-state.js";

const agent = (overrides: Partial<AgentControllerSnapshot> = {}): AgentControllerSnapshot => ({
  id: "a1",
  name: "agent-1",
  desired_slots_total: 4,
  slots_processing: 0,
  slots_total: 4,
  model_path: "/models/m.gguf",
  download_current: 0,
  download_total: 0,
  download_filename: null,
  download_indeterminate: false,
  issues: [],
  uses_chat_template_override: false,
  state_application_status: "Applied",
  ...overrides,
});

describe("agentState", () => {
  it("is applied when every desired slot is up", () => {
    expect(agentState(agent()).kind).toBe("applied");
  });
  it("is loading while slots come up", () => {
    expect(agentState(agent({ slots_total: 1 })).kind).toBe("loading");
  });
  it("says there is no model when the desired model is None", () => {
    expect(agentState(agent({ model_path: null, slots_total: 0 })).kind).toBe("no-model");
  });
  it("is downloading while a download runs", () => {
    const state = agentState(
      agent({ download_filename: "m.gguf", download_current: 5, download_total: 10, slots_total: 0 }),
    );
    expect(state.kind).toBe("downloading");
  });
  it("asks for attention when retrying, stuck or with issues", () => {
    expect(agentState(agent({ state_application_status: "AttemptedAndRetrying" })).attention).toBe(true);
    expect(agentState(agent({ state_application_status: "Stuck" })).kind).toBe("stuck");
    const withIssue = agent({ issues: [{ ModelFileDoesNotExist: { model_path: "/x" } }] });
    expect(agentState(withIssue)).toMatchObject({ kind: "applied", attention: true });
  });
  it("shows file names", () => {
    expect(fileName("/a/b/c.gguf")).toBe("c.gguf");
  });
});

import type { AgentControllerSnapshot } from "@paddler/client";
import { describe, expect, it } from "vitest";
import { agentProgress, expectedDurations } from "./agent-progress.js";
import { agentState } from "./agent-state.js";

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

const now = 1_000_000_000;
const progressOf = (snapshot: AgentControllerSnapshot, since?: number, reloading = false) =>
  agentProgress(snapshot, { state: agentState(snapshot), now, since, reloading });

describe("agentProgress", () => {
  it("is nothing for a settled agent", () => {
    expect(progressOf(agent(), now - 500_000)).toBeNull();
  });
  it("says how long a reload has lasted, and flags it past the expected time", () => {
    const loading = agent({ slots_total: 0 });
    expect(progressOf(loading, now - 42_000, true)).toEqual({
      label: "reloading",
      detail: "for 42 s, waiting for the model to load",
      overdue: false,
      overdueReason: null,
    });
    const late = progressOf(loading, now - expectedDurations.loadingMs - 1000, true);
    expect(late?.overdue).toBe(true);
    expect(late?.overdueReason).toContain("expected within 1 min 0 s");
  });
  it("is a first load when the agent never served the model", () => {
    expect(progressOf(agent({ slots_total: 1 }), now - 1000)?.label).toBe("loading");
  });
  it("tells a reported drain from its running requests and deadline", () => {
    const draining = agent({
      slots_total: 0,
      slots_processing: 2,
      reload_drain: { slots_busy: 2, since_unix_ms: now - 12_000, deadline_unix_ms: now + 18_000 },
    });
    expect(progressOf(draining)).toMatchObject({
      label: "draining",
      detail: "2 requests still running, for 12 s",
      overdue: false,
    });
    const late = agent({
      slots_total: 0,
      slots_processing: 1,
      reload_drain: { slots_busy: 1, since_unix_ms: now - 60_000, deadline_unix_ms: now - 30_000 },
    });
    expect(progressOf(late)).toMatchObject({
      detail: "1 request still running, for 1 min 0 s",
      overdue: true,
    });
    expect(progressOf(late)?.overdueReason).toContain("past its drain deadline by 30 s");
  });
  it("gives a drain a little grace past its deadline for the report to catch up", () => {
    const justLate = agent({
      slots_total: 0,
      slots_processing: 1,
      reload_drain: { slots_busy: 1, since_unix_ms: now - 31_000, deadline_unix_ms: now - 1000 },
    });
    expect(progressOf(justLate)?.overdue).toBe(false);
  });
  it("counts an unreported drain (no slots, requests running) from its timeline", () => {
    const draining = agent({ slots_total: 0, slots_processing: 3 });
    expect(progressOf(draining, now - 5000)).toMatchObject({
      label: "draining",
      detail: "for 5 s, 3 requests still running",
    });
    expect(progressOf(draining, now - expectedDurations.drainingMs - 1)?.overdue).toBe(true);
  });
  it("never flags a download by time: its progress says enough", () => {
    const downloading = agent({
      slots_total: 0,
      download_filename: "m.gguf",
      download_current: 1,
      download_total: 10,
    });
    expect(progressOf(downloading, now - 3_600_000)).toMatchObject({ label: "downloading", overdue: false });
  });
});

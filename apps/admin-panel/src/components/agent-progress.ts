import type { AgentControllerSnapshot } from "@paddler/client";
import { formatDuration } from "../live/format-duration.js";
import type { AgentState } from "./agent-state.js";

/**
 * How long an agent may stay in a passing state before the panel flags it as taking too long: the
 * one place these thresholds live. stories260K reloads in under a second and a real 8B model in
 * well under a minute from a local disk; a download shows its own progress, so it is not timed.
 */
export const expectedDurations = {
  /** Loading or reloading a model (slots coming up). */
  loadingMs: 60_000,
  /** The agent has not started applying the desired state yet. */
  pendingMs: 60_000,
  /** A drain without a deadline of its own (an agent that does not report one). */
  drainingMs: 60_000,
  /** Past a drain's deadline the agent cancels what runs; a report or two may still lag behind. */
  drainDeadlineGraceMs: 5_000,
} as const;

export interface AgentProgress {
  /** What the agent is doing, for its badge: "reloading", "draining". */
  label: string;
  /** How long and what it waits on: "for 42 s, waiting for the model to load". */
  detail: string;
  /** It has lasted longer than expected: shown as a warning, never as a calm "loading". */
  overdue: boolean;
  /** Why it is flagged, when it is. */
  overdueReason: string | null;
}

const requests = (count: number) => `${count} ${count === 1 ? "request" : "requests"}`;

/**
 * For an agent on its way somewhere (draining, loading, pending, downloading, retrying): how long it
 * has been at it, what it waits on, and whether that is longer than expected. Null when it is
 * settled (applied, no model, cannot apply, stuck: those say enough on their own).
 */
export function agentProgress(
  agent: AgentControllerSnapshot,
  {
    state,
    now,
    since,
    reloading,
  }: {
    state: AgentState;
    now: number;
    /** When the agent entered its current state (its timeline's last change), if known. */
    since: number | undefined;
    /** It served a model before: the load is a reload. */
    reloading: boolean;
  },
): AgentProgress | null {
  const drain = agent.reload_drain;
  if (drain) {
    const lasted = now - drain.since_unix_ms;
    const late = now - drain.deadline_unix_ms;
    const overdue = late > expectedDurations.drainDeadlineGraceMs;
    return {
      label: "draining",
      detail: `${requests(drain.slots_busy)} still running, for ${formatDuration(lasted)}`,
      overdue,
      overdueReason: overdue
        ? `past its drain deadline by ${formatDuration(late)}: the running requests should have been cancelled`
        : null,
    };
  }
  const lasted = since === undefined ? null : Math.max(0, now - since);
  const forHowLong = lasted === null ? "" : `for ${formatDuration(lasted)}, `;
  const flag = (label: string, waitsOn: string, expectedMs: number | null): AgentProgress => {
    const overdue = expectedMs !== null && lasted !== null && lasted > expectedMs;
    return {
      label,
      detail: `${forHowLong}${waitsOn}`,
      overdue,
      overdueReason: overdue
        ? `expected within ${formatDuration(expectedMs)}; it may be waiting forever`
        : null,
    };
  };
  // An agent that does not report its drain: no slots left, requests still running.
  if (agent.slots_total === 0 && agent.slots_processing > 0 && agent.model_path !== null) {
    return flag(
      "draining",
      `${requests(agent.slots_processing)} still running`,
      expectedDurations.drainingMs,
    );
  }
  switch (state.kind) {
    case "loading":
      return flag(
        reloading ? "reloading" : "loading",
        "waiting for the model to load",
        expectedDurations.loadingMs,
      );
    case "pending":
      return flag("pending", "waiting for the agent to apply the desired state", expectedDurations.pendingMs);
    case "downloading":
      return flag("downloading", "waiting for the model download", null);
    case "retrying":
      return flag("retrying", "waiting for the problem below to be fixed (it retries every second)", null);
    default:
      return null;
  }
}

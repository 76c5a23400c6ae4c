import type { AgentControllerSnapshot } from "@paddler/client";

export type AgentStateKind =
  | "applied"
  | "no-model"
  | "downloading"
  | "loading"
  | "retrying"
  | "stuck"
  | "not-appliable"
  | "pending";

export interface AgentState {
  kind: AgentStateKind;
  label: string;
  /** Whether a person should look at it (issues, stuck, retrying). */
  attention: boolean;
}

/** One word for where an agent is, from its state_application_status, download and slots. */
export function agentState(agent: AgentControllerSnapshot): AgentState {
  const attention = agent.issues.length > 0;
  switch (agent.state_application_status) {
    case "Stuck":
      return { kind: "stuck", label: "stuck: needs your help", attention: true };
    case "AttemptedAndRetrying":
      return { kind: "retrying", label: "retrying", attention: true };
    case "AttemptedAndNotAppliable":
      return { kind: "not-appliable", label: "cannot apply", attention: true };
    default:
      break;
  }
  if (isDownloading(agent)) return { kind: "downloading", label: "downloading", attention };
  if (agent.state_application_status === "Fresh") return { kind: "pending", label: "pending", attention };
  if (agent.model_path === null) return { kind: "no-model", label: "no model", attention };
  if (agent.slots_total < agent.desired_slots_total) return { kind: "loading", label: "loading", attention };
  return { kind: "applied", label: "applied", attention };
}

export function isDownloading(agent: AgentControllerSnapshot): boolean {
  return (
    agent.download_filename !== null &&
    (agent.download_indeterminate || agent.download_current < agent.download_total)
  );
}

/** The last path segment of a model file, for compact display. */
export function fileName(path: string): string {
  return path.split(/[\\/]/).at(-1) ?? path;
}

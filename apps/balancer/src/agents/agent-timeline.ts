import type { AgentControllerSnapshot, AgentTimelineEvent } from "@paddler/protocol";
import { agentIssueTag } from "@paddler/protocol";

export interface AgentTimelineStore {
  /** Compares the agents now with the last look and records what changed. */
  observe(agents: readonly AgentControllerSnapshot[]): void;
  /** Oldest first, optionally of one agent. */
  events(agentId?: string): AgentTimelineEvent[];
}

/**
 * Joins, leaves, reloads, issues and drains of every agent, told apart by comparing successive
 * snapshots of the registry (so nothing in the agent socket code has to know). Bounded: the last
 * `capacity` events.
 */
export function createAgentTimeline({
  capacity = 1000,
  now = Date.now,
}: {
  capacity?: number;
  now?: () => number;
} = {}): AgentTimelineStore {
  const log: AgentTimelineEvent[] = [];
  let previous = new Map<string, AgentControllerSnapshot>();
  const record = (
    agent: AgentControllerSnapshot,
    kind: AgentTimelineEvent["kind"],
    detail: string | null,
  ) => {
    log.push({ at: now(), agent_id: agent.id, agent_name: agent.name, kind, detail });
    if (log.length > capacity) log.splice(0, log.length - capacity);
  };
  return {
    observe: (agents) => {
      const next = new Map(agents.map((agent) => [agent.id, agent]));
      for (const agent of agents) {
        const before = previous.get(agent.id);
        if (!before) {
          record(agent, "joined", agent.model_path);
          continue;
        }
        if (before.state_application_status !== agent.state_application_status) {
          const kind = {
            Fresh: "loading",
            Applied: "applied",
            AttemptedAndNotAppliable: "retrying",
            AttemptedAndRetrying: "retrying",
            Stuck: "stuck",
          } as const;
          record(agent, kind[agent.state_application_status] ?? "loading", agent.model_path);
        } else if (before.slots_total > 0 && agent.slots_total === 0 && !agent.drained_by_operator) {
          // Slots gone while the state stays "Applied": the agent drains to reload a model.
          record(agent, "loading", "draining its slots to reload");
        }
        const tags = (snapshot: AgentControllerSnapshot) => new Set(snapshot.issues.map(agentIssueTag));
        const had = tags(before);
        const has = tags(agent);
        for (const tag of has) if (!had.has(tag)) record(agent, "issue", tag);
        for (const tag of had) if (!has.has(tag)) record(agent, "issue_cleared", tag);
        const hadWarnings = new Set(before.warnings ?? []);
        for (const warning of agent.warnings ?? [])
          if (!hadWarnings.has(warning)) record(agent, "warning", warning);
        if (!before.drained_by_operator && agent.drained_by_operator) record(agent, "drained", null);
        if (before.drained_by_operator && !agent.drained_by_operator) record(agent, "undrained", null);
      }
      for (const [id, agent] of previous) if (!next.has(id)) record(agent, "left", null);
      previous = next;
    },
    events: (agentId) =>
      agentId === undefined ? [...log] : log.filter((event) => event.agent_id === agentId),
  };
}

import type { AgentControllerSnapshot } from "@paddler/client";
import { useDeferredValue, useId, useState } from "react";
import { AgentRow } from "./agent-row.js";
import { agentState } from "./agent-state.js";

const filterFrom = 8;

/** Every agent in a compact table that stays readable at fifty; a filter appears when there are many. */
export function AgentList({
  agents,
  title = "Agents",
}: {
  agents: readonly AgentControllerSnapshot[];
  /** The heading; one list per pool names its pool. */
  title?: string;
}) {
  const headingId = useId();
  const [filter, setFilter] = useState("");
  const deferredFilter = useDeferredValue(filter.trim().toLowerCase());
  const filterId = useId();
  const attention = agents.filter((agent) => agentState(agent).attention).length;
  const processing = agents.reduce((sum, agent) => sum + agent.slots_processing, 0);
  const total = agents.reduce((sum, agent) => sum + agent.slots_total, 0);
  const desired = agents.reduce((sum, agent) => sum + agent.desired_slots_total, 0);
  const shown = deferredFilter
    ? agents.filter((agent) =>
        [agent.name ?? "", agent.id, agent.model_path ?? "", agentState(agent).label].some((text) =>
          text.toLowerCase().includes(deferredFilter),
        ),
      )
    : agents;

  return (
    <section aria-labelledby={headingId}>
      <div className="section-head">
        <h2 id={headingId}>
          {title} <span className="muted">({agents.length})</span>
        </h2>
        <p className="summary" data-testid="fleet-summary">
          {/* Not "of total": a draining agent still runs requests on slots it no longer counts. */}
          {processing} busy · {total} of {desired} slots up
          {attention > 0 ? <span className="error"> · {attention} need attention</span> : null}
        </p>
      </div>
      {agents.length >= filterFrom ? (
        <div className="filter">
          <label htmlFor={filterId}>Filter agents</label>
          <input
            id={filterId}
            type="search"
            value={filter}
            placeholder="name, id, model or state"
            onChange={(event) => setFilter(event.target.value)}
          />
        </div>
      ) : null}
      <table className="agents">
        <thead>
          <tr>
            <th scope="col">Agent</th>
            <th scope="col">State</th>
            <th scope="col">
              Slots <span className="muted small">busy / up / desired</span>
            </th>
            <th scope="col">Model</th>
            <th scope="col">Issues</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        {shown.map((agent) => (
          <AgentRow key={agent.id} agent={agent} />
        ))}
      </table>
      {shown.length === 0 && agents.length > 0 ? <p className="muted">No agent matches “{filter}”.</p> : null}
    </section>
  );
}

import type { AgentControllerSnapshot } from "@paddler/client";
import { useId, useState } from "react";
import { AgentIssues } from "./agent-issues.js";
import { agentState, fileName, isDownloading } from "./agent-state.js";
import { DownloadProgress } from "./download-progress.js";
import { ModelMetadataView } from "./model-metadata-view.js";
import { UsageBar } from "./usage-bar.js";

const columns = 6;

/** Agents in front of an HTTP server say which kind; the built-in engine sends no engine field. */
const engineLabels = {
  LlamaCpp: "built-in llama.cpp",
  LlamaServerExternal: "llama-server (external)",
  LlamaServerManaged: "llama-server (managed)",
  OpenAIUpstream: "OpenAI upstream",
} as const;

/** One agent: a compact row, and its details (issues, model, metadata) on demand. */
export function AgentRow({ agent }: { agent: AgentControllerSnapshot }) {
  const [open, setOpen] = useState(false);
  const detailsId = useId();
  const state = agentState(agent);
  const name = agent.name ?? agent.id;
  return (
    <tbody className="agent" data-agent-id={agent.id} data-agent-name={name} data-state={state.kind}>
      <tr>
        <th scope="row" className="agent-name">
          <span>{name}</span>
          {agent.name ? <span className="muted small agent-id">{agent.id}</span> : null}
        </th>
        <td data-label="State">
          <span className={`badge badge-${state.kind}`} data-testid="agent-state">
            {state.label}
          </span>
        </td>
        <td data-label="Slots" className="slots">
          <span data-testid="agent-slots" title="processing / total / desired">
            {agent.slots_processing} / {agent.slots_total} / {agent.desired_slots_total}
          </span>
          <UsageBar
            value={agent.slots_processing}
            secondary={agent.slots_total}
            max={Math.max(agent.desired_slots_total, agent.slots_total)}
            label={`${name}: slots processing of desired`}
          />
        </td>
        <td data-label="Model" className="model">
          {isDownloading(agent) ? (
            <DownloadProgress agent={agent} />
          ) : agent.model_path ? (
            <code title={agent.model_path} data-testid="agent-model">
              {fileName(agent.model_path)}
            </code>
          ) : (
            <span className="muted">none</span>
          )}
          {agent.uses_chat_template_override ? <span className="tag">template override</span> : null}
          {agent.engine ? (
            <span className="tag" data-testid="agent-engine" title={agent.engine.upstream ?? undefined}>
              {engineLabels[agent.engine.kind]}
            </span>
          ) : null}
        </td>
        <td data-label="Issues">
          {agent.issues.length === 0 ? (
            <span className="ok">OK</span>
          ) : (
            <span className="error" data-testid="agent-issue-count">
              {agent.issues.length} {agent.issues.length === 1 ? "issue" : "issues"}
            </span>
          )}
        </td>
        <td className="actions">
          <button
            type="button"
            aria-expanded={open}
            aria-controls={detailsId}
            onClick={() => setOpen((value) => !value)}
          >
            {open ? "Hide" : "Details"}
            <span className="visually-hidden"> for {name}</span>
          </button>
        </td>
      </tr>
      <tr id={detailsId} className="agent-details" hidden={!open}>
        <td colSpan={columns}>
          {open ? (
            <div className="agent-details-grid">
              <section>
                <h4>Issues</h4>
                <AgentIssues issues={agent.issues} />
                <h4>Model file</h4>
                <p>
                  {agent.model_path ? <code>{agent.model_path}</code> : <span className="muted">none</span>}
                </p>
                <p className="muted small">State application: {agent.state_application_status}</p>
                <h4>Engine</h4>
                <p data-testid="agent-engine-details">
                  {agent.engine ? engineLabels[agent.engine.kind] : "built-in llama.cpp"}
                  {agent.engine?.upstream ? (
                    <>
                      {" at "}
                      <code>{agent.engine.upstream}</code>
                    </>
                  ) : null}
                </p>
              </section>
              <section>
                <ModelMetadataView
                  agentId={agent.id}
                  modelPath={agent.slots_total > 0 ? agent.model_path : null}
                  usesChatTemplateOverride={agent.uses_chat_template_override}
                />
              </section>
            </div>
          ) : null}
        </td>
      </tr>
    </tbody>
  );
}

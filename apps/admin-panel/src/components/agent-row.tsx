import type { AgentControllerSnapshot, AgentTimelineEvent } from "@paddler/client";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useId, useState } from "react";
import { usePanel } from "../config/panel-context.js";
import { formatDuration } from "../live/format-duration.js";
import { useNow } from "../live/use-now.js";
import { agentTimelineQueryOptions } from "../queries/agent-timeline.js";
import { AgentDeviceDetails, AgentDeviceSummary } from "./agent-device.js";
import { AgentIssues } from "./agent-issues.js";
import { agentProgress } from "./agent-progress.js";
import { agentState, fileName, isDownloading } from "./agent-state.js";
import { DownloadProgress } from "./download-progress.js";
import { ModelMetadataView } from "./model-metadata-view.js";
import { UsageBar } from "./usage-bar.js";

const columns = 6;

/** Timeline events that change what an agent is doing (not issues, warnings or operator drains). */
const stateEventKinds = new Set<AgentTimelineEvent["kind"]>([
  "joined",
  "loading",
  "applied",
  "retrying",
  "stuck",
]);

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
  const { client } = usePanel();
  const now = useNow();
  const timeline = useQuery({
    ...agentTimelineQueryOptions(client, agent.id),
    enabled: state.kind !== "applied" || open,
  });
  const drain = useMutation({
    mutationFn: (drained: boolean) =>
      drained ? client.management.fleet.drainAgent(agent.id) : client.management.fleet.undrainAgent(agent.id),
  });
  // Since when it has been in this state: the timeline's last change of state for this agent.
  const stateEvents = (timeline.data?.events ?? []).filter((event) => stateEventKinds.has(event.kind));
  const progress = agentProgress(agent, {
    state,
    now,
    since: stateEvents.at(-1)?.at ?? agent.connected_at,
    reloading: stateEvents.some((event) => event.kind === "applied"),
  });
  const warnings = agent.warnings ?? [];
  return (
    <tbody className="agent" data-agent-id={agent.id} data-agent-name={name} data-state={state.kind}>
      <tr>
        <th scope="row" className="agent-name">
          <span>{name}</span>
          {agent.name ? <span className="muted small agent-id">{agent.id}</span> : null}
        </th>
        <td data-label="State">
          <span
            className={`badge badge-${progress?.overdue ? "overdue" : state.kind}`}
            data-testid="agent-state"
            data-overdue={progress?.overdue ?? false}
          >
            {progress ? progress.label : state.label}
            {progress?.overdue ? ": longer than expected" : null}
          </span>
          {agent.drained_by_operator ? (
            <span className="badge badge-retrying" data-testid="agent-drained">
              drained
            </span>
          ) : null}
          {progress ? (
            <span className="small" data-testid="agent-state-since">
              {" "}
              {progress.detail}
            </span>
          ) : null}
          {progress?.overdueReason ? (
            <span className="small warn" data-testid="agent-state-overdue" role="status">
              {" "}
              {progress.overdueReason}
            </span>
          ) : null}
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
              {agent.engine.upstream ? (
                <>
                  {" · "}
                  <span data-testid="agent-upstream">
                    {agent.engine.upstream.replace(/^https?:\/\//, "")}
                  </span>
                </>
              ) : null}
            </span>
          ) : null}
          <AgentDeviceSummary device={agent.device} />
        </td>
        <td data-label="Issues">
          {warnings.length > 0 ? (
            <span className="warn" data-testid="agent-warning-count">
              {warnings.length} {warnings.length === 1 ? "warning" : "warnings"}{" "}
            </span>
          ) : null}
          {agent.issues.length === 0 ? (
            warnings.length > 0 ? null : (
              <span className="ok">OK</span>
            )
          ) : (
            <span className="error" data-testid="agent-issue-count">
              {agent.issues.length} {agent.issues.length === 1 ? "issue" : "issues"}
            </span>
          )}
        </td>
        <td className="actions">
          <button
            type="button"
            disabled={drain.isPending}
            onClick={() => drain.mutate(!agent.drained_by_operator)}
            title={
              agent.drained_by_operator
                ? "Let new requests reach this agent again"
                : "No new requests; running ones finish"
            }
          >
            {agent.drained_by_operator ? "Let back" : "Drain"}
            <span className="visually-hidden"> {name}</span>
          </button>
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
                <h3>Issues</h3>
                <AgentIssues issues={agent.issues} pool={agent.pool} />
                {warnings.length > 0 ? (
                  <>
                    <h3>Warnings</h3>
                    <ul className="warnings" data-testid="agent-warnings">
                      {warnings.map((warning) => (
                        <li key={warning}>{warning}</li>
                      ))}
                    </ul>
                  </>
                ) : null}
                <h3>Status</h3>
                <p className="small" data-testid="agent-uptime">
                  {agent.connected_at !== undefined ? (
                    <>Connected for {formatDuration(now - agent.connected_at)}. </>
                  ) : null}
                  {agent.last_status_at !== undefined ? (
                    <>Last status {formatDuration(now - agent.last_status_at)} ago.</>
                  ) : null}
                </p>
                <h3>Model file</h3>
                <p>
                  {agent.model_path ? <code>{agent.model_path}</code> : <span className="muted">none</span>}
                </p>
                <p className="muted small">State application: {agent.state_application_status}</p>
                <h3>Engine</h3>
                <p data-testid="agent-engine-details">
                  {agent.engine ? engineLabels[agent.engine.kind] : "built-in llama.cpp"}
                  {agent.engine?.upstream ? (
                    <>
                      {" at "}
                      <code>{agent.engine.upstream}</code>
                    </>
                  ) : null}
                </p>
                <h3>Device</h3>
                <AgentDeviceDetails device={agent.device} />
              </section>
              <section>
                <h3>Timeline</h3>
                <ol className="timeline" data-testid="agent-timeline">
                  {(timeline.data?.events ?? []).slice(-10).map((event) => (
                    <li key={`${event.at}-${event.kind}-${event.detail ?? ""}`}>
                      <time dateTime={new Date(event.at).toISOString()}>
                        {new Date(event.at).toLocaleTimeString()}
                      </time>{" "}
                      {event.kind.replaceAll("_", " ")}
                      {event.detail ? <span className="muted"> {event.detail}</span> : null}
                    </li>
                  ))}
                </ol>
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

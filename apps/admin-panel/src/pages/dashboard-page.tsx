import { agentDesiredModelToUri } from "@paddler/protocol";
import { useQuery } from "@tanstack/react-query";
import { Link } from "wouter";
import { AddAgentHelp } from "../components/add-agent-help.js";
import { AgentList } from "../components/agent-list.js";
import { BufferedRequestsCard } from "../components/buffered-requests-card.js";
import { LiveCharts } from "../components/live-charts.js";
import { ServiceAddresses } from "../components/service-addresses.js";
import { usePanel } from "../config/panel-context.js";
import { agentsQueryOptions } from "../queries/agents.js";
import { bufferedRequestsQueryOptions } from "../queries/buffered-requests.js";
import { desiredStateQueryOptions } from "../queries/desired-state.js";

export function DashboardPage() {
  const { client, config } = usePanel();
  const agents = useQuery(agentsQueryOptions(client));
  const buffered = useQuery(bufferedRequestsQueryOptions(client));
  const desired = useQuery(desiredStateQueryOptions(client));
  const list = agents.data?.agents ?? [];
  const desiredModel = desired.data ? agentDesiredModelToUri(desired.data.model) : null;

  return (
    <>
      <h1>Dashboard</h1>
      <ServiceAddresses config={config} />
      <div className="row">
        <BufferedRequestsCard
          buffered={buffered.data}
          maxBufferedRequests={config.maxBufferedRequests}
          bufferedRequestTimeoutMs={config.bufferedRequestTimeoutMs}
        />
        <section className="card" aria-labelledby="desired-heading">
          <h2 id="desired-heading">Desired model</h2>
          {desired.isError ? (
            <p className="error">Could not read the desired state: {desired.error.message}</p>
          ) : desiredModel === null ? (
            <p className="muted">…</p>
          ) : desiredModel === "" ? (
            <p>
              None yet. <Link href="/model">Choose a model</Link> for the fleet.
            </p>
          ) : (
            <p>
              <code className="wrap" data-testid="desired-model">
                {desiredModel}
              </code>{" "}
              <Link href="/model">Change</Link>
            </p>
          )}
        </section>
      </div>
      <LiveCharts maxBufferedRequests={config.maxBufferedRequests} />
      {agents.isError ? (
        <p className="error" role="alert">
          Lost the agents stream: {agents.error.message}
        </p>
      ) : agents.isPending ? (
        <p className="muted">Connecting to the agents stream…</p>
      ) : list.length === 0 ? (
        <section aria-labelledby="agents-heading" className="empty">
          <h2 id="agents-heading">Agents</h2>
          <p>No agent has joined yet. Requests wait in the buffer until one does.</p>
        </section>
      ) : (
        <AgentList agents={list} />
      )}
      <AddAgentHelp managementAddr={config.managementAddr} />
    </>
  );
}

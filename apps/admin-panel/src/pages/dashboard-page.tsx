import type { AgentControllerSnapshot, ModelPoolSummary } from "@paddler/client";
import { agentDesiredModelToUri } from "@paddler/protocol";
import { useQuery } from "@tanstack/react-query";
import { Link } from "wouter";
import { AddAgentHelp } from "../components/add-agent-help.js";
import { AgentList } from "../components/agent-list.js";
import { BufferedRequestsCard } from "../components/buffered-requests-card.js";
import { FleetCharts } from "../components/fleet-charts.js";
import { RecentRequestsTable } from "../components/recent-requests-table.js";
import { ServiceAddresses } from "../components/service-addresses.js";
import { StreamBanner } from "../components/stream-banner.js";
import { usePanel } from "../config/panel-context.js";
import { useConnectionHealth, useConnectionHealthStore } from "../live/connection-health.js";
import { usePageTitle } from "../live/use-page-title.js";
import { agentsQueryOptions } from "../queries/agents.js";
import { bufferedRequestsQueryOptions } from "../queries/buffered-requests.js";
import { desiredStateQueryOptions } from "../queries/desired-state.js";
import { DEFAULT_POOL, poolsQueryOptions } from "../queries/pools.js";

export function DashboardPage() {
  const health = useConnectionHealthStore();
  const { client, config } = usePanel();
  const agents = useQuery(agentsQueryOptions(client, health));
  const buffered = useQuery(bufferedRequestsQueryOptions(client));
  // Follows the live state (a restart, a change from another tab), not only this tab's saves.
  const desired = useQuery({ ...desiredStateQueryOptions(client), refetchInterval: 3000 });
  const pools = useQuery(poolsQueryOptions(client));
  const list = agents.data?.agents ?? [];
  const connection = useConnectionHealth();
  usePageTitle("Dashboard");
  const desiredModel = desired.data ? agentDesiredModelToUri(desired.data.model) : null;

  return (
    <>
      <h1>Dashboard</h1>
      <StreamBanner />
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
      <div
        className={connection.connected === false ? "stale" : undefined}
        data-stale={connection.connected === false}
      >
        {agents.isError ? (
          <p className="error" role="alert">
            Lost the agents stream: {agents.error.message}
          </p>
        ) : agents.isPending ? (
          <p className="muted">Connecting to the agents stream…</p>
        ) : (pools.data?.pools.length ?? 1) > 1 ? (
          <PoolGroups pools={pools.data?.pools ?? []} agents={list} />
        ) : list.length === 0 ? (
          <section aria-labelledby="agents-heading" className="empty">
            <h2 id="agents-heading">Agents</h2>
            <p>No agent has joined yet. Requests wait in the buffer until one does.</p>
          </section>
        ) : (
          <AgentList agents={list} />
        )}
        <FleetCharts />
        <RecentRequestsTable />
      </div>
      <AddAgentHelp managementAddr={config.managementAddr} />
    </>
  );
}

const policyLabels: Record<ModelPoolSummary["policy"], string> = {
  least_busy: "least busy",
  sticky: "sticky sessions",
  prefix_affinity: "prefix affinity",
};

/** With several pools, the agents are grouped by the pool they serve, each with its model and buffer. */
function PoolGroups({
  pools,
  agents,
}: {
  pools: readonly ModelPoolSummary[];
  agents: readonly AgentControllerSnapshot[];
}) {
  return (
    <>
      {pools.map((pool) => {
        const members = agents.filter((agent) => (agent.pool ?? DEFAULT_POOL) === pool.name);
        const model = pool.desired_state ? agentDesiredModelToUri(pool.desired_state.model) : null;
        const modelLink =
          pool.name === DEFAULT_POOL ? "/model" : `/model?pool=${encodeURIComponent(pool.name)}`;
        return (
          <div className="pool-group" key={pool.name} data-pool={pool.name}>
            <p className="summary" data-testid="pool-summary">
              <strong>Pool {pool.name}</strong> · {model ? <code className="wrap">{model}</code> : "no model"}{" "}
              · {policyLabels[pool.policy]} · {pool.buffered_requests} buffered ·{" "}
              <Link href={modelLink}>Model</Link>
            </p>
            {members.length === 0 ? (
              <p className="muted">No agent serves {pool.name} yet; its requests wait in its buffer.</p>
            ) : (
              <AgentList agents={members} title={`Agents in ${pool.name}`} />
            )}
          </div>
        );
      })}
    </>
  );
}

import type { Logger } from "@paddler/logger";
import type { StateDatabaseHealth } from "@paddler/state-db";
import { Hono } from "hono";
import type { Registry } from "prom-client";
import type { AgentRegistry } from "./agents/agent-registry.js";
import { agentSocketRoute } from "./agents/agent-socket-route.js";
import type { AgentTimelineStore } from "./agents/agent-timeline.js";
import type { AutoscalingSignal } from "./autoscaling/autoscaling-signal.js";
import type { SlotPools } from "./balancing/slot-pools.js";
import type { ClusterState } from "./cluster/cluster-state.js";
import { corsFor } from "./http/cors-for.js";
import { errorResponse } from "./http/error-response.js";
import { limitBody } from "./http/limit-body.js";
import type { MetricsHistoryStore } from "./metrics/history/metrics-history.js";
import type { RecentRequestsStore } from "./metrics/history/recent-requests.js";
import type { Fleet } from "./pools/fleet.js";
import { agentDrainRoutes } from "./routes/management/agent-drain.js";
import { agentRpcRoutes } from "./routes/management/agent-rpc.js";
import { agentTimelineRoutes } from "./routes/management/agent-timeline.js";
import { agentsRoutes } from "./routes/management/agents.js";
import { autoscalingRoutes } from "./routes/management/autoscaling.js";
import { balancerApplicableStateRoutes } from "./routes/management/balancer-applicable-state.js";
import { balancerDesiredStateRoutes } from "./routes/management/balancer-desired-state.js";
import { bufferedRequestsRoutes } from "./routes/management/buffered-requests.js";
import { healthRoutes } from "./routes/management/health.js";
import { metricsRoutes } from "./routes/management/metrics.js";
import { metricsHistoryRoutes } from "./routes/management/metrics-history.js";
import { fleetSettingsRoutes, poolsRoutes } from "./routes/management/pools.js";
import { recentRequestsRoutes } from "./routes/management/recent-requests.js";
import { requireCredentials } from "./security/require-credentials.js";
import type { SecretMatcher } from "./security/secret-matcher.js";

export interface ManagementAppDeps {
  registry: AgentRegistry;
  pool: SlotPools;
  cluster: ClusterState;
  fleet: Fleet;
  logger: Logger;
  corsAllowedOrigins: () => readonly string[];
  metricsRegistry: Registry;
  subscribeToBuffer(listener: () => void): () => void;
  maxRequestBodyBytes: number;
  /** Null leaves the service open, as in Paddler. Also accepted as `?access_token=` on GET (SSE). */
  managementToken: SecretMatcher | null;
  /** Null lets any agent join. */
  agentJoinSecret: SecretMatcher | null;
  /** Always available for memory:// and file://; a shared database can go away. */
  stateDatabaseHealth: () => StateDatabaseHealth;
  autoscaling: AutoscalingSignal;
  /** Fleet metrics history, recent requests and agent timeline (beyond Paddler). */
  history: MetricsHistoryStore;
  recentRequests: RecentRequestsStore;
  agentTimeline: AgentTimelineStore;
}

/** The management service: agents, pools, desired state, buffered requests, metrics, and the agent socket. */
export function createManagementApp(deps: ManagementAppDeps) {
  const { registry, pool, cluster, fleet, logger } = deps;
  return (
    new Hono()
      .use(corsFor(deps.corsAllowedOrigins))
      // The agent socket answers to the join secret instead of the management token.
      .use(
        requireCredentials({
          matches: deps.managementToken,
          exempt: (path) => path.startsWith("/api/v1/agent_socket/"),
        }),
      )
      .use(limitBody(deps.maxRequestBodyBytes))
      .route("/health", healthRoutes({ stateDatabaseHealth: deps.stateDatabaseHealth }))
      .route("/api/v1/agents", agentsRoutes({ registry }))
      .route("/api/v1/agent", agentRpcRoutes({ registry }))
      .route("/api/v1/agent", agentDrainRoutes({ registry }))
      .route("/api/v1/metrics_history", metricsHistoryRoutes({ history: deps.history }))
      .route("/api/v1/recent_requests", recentRequestsRoutes({ requests: deps.recentRequests }))
      .route("/api/v1/agent_timeline", agentTimelineRoutes({ timeline: deps.agentTimeline }))
      .route(
        "/api/v1/agent_socket",
        agentSocketRoute({
          registry,
          placement: (agent) => fleet.placement(agent),
          logger,
          joinSecret: deps.agentJoinSecret,
        }),
      )
      .route("/api/v1/buffered_requests", bufferedRequestsRoutes({ pool, subscribe: deps.subscribeToBuffer }))
      .route("/api/v1/balancer_desired_state", balancerDesiredStateRoutes({ cluster }))
      .route("/api/v1/balancer_applicable_state", balancerApplicableStateRoutes({ cluster }))
      .route(
        "/api/v1/pools",
        poolsRoutes({
          fleet,
          registry,
          slots: pool,
          subscribe: (listener) => {
            const stopAgents = registry.subscribe(listener);
            const stopBuffer = deps.subscribeToBuffer(listener);
            return () => {
              stopAgents();
              stopBuffer();
            };
          },
        }),
      )
      .route("/api/v1/fleet_settings", fleetSettingsRoutes({ fleet }))
      .route("/api/v1/autoscaling", autoscalingRoutes({ signal: deps.autoscaling }))
      .route("/metrics", metricsRoutes({ registry: deps.metricsRegistry }))
      .notFound((c) =>
        c.json({ error: { code: "not_found", message: `No route for ${c.req.method} ${c.req.path}` } }, 404),
      )
      .onError((error, c) => errorResponse(error, c, logger))
  );
}

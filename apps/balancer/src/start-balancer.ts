import type { Tracer } from "@opentelemetry/api";
import type { Logger } from "@paddler/logger";
import { IMPLICIT_POOL_POLICY } from "@paddler/protocol";
import { openStateDatabase } from "@paddler/state-db";
import { AgentRegistry } from "./agents/agent-registry.js";
import { createAutoscalingSignal } from "./autoscaling/autoscaling-signal.js";
import { type BalancerSettings, balancerSettingsDefaults, type ServiceAddr } from "./balancer-settings.js";
import { CircuitBreaker } from "./balancing/circuit-breaker.js";
import { SlotPool } from "./balancing/slot-pool.js";
import { SlotPools } from "./balancing/slot-pools.js";
import { createDispatcher } from "./dispatch/dispatcher.js";
import { type ServedApp, serveApp } from "./http/serve-app.js";
import { createInferenceApp } from "./inference-app.js";
import { createManagementApp } from "./management-app.js";
import { registerAgentDeviceMetrics } from "./metrics/agent-device-metrics.js";
import { registerAgentRefusalMetrics } from "./metrics/agent-refusal-metrics.js";
import { registerAutoscalingMetrics } from "./metrics/autoscaling-metrics.js";
import { createBalancerMetrics, prometheusPrefix } from "./metrics/balancer-metrics.js";
import { startFleetHistory } from "./metrics/history/start-fleet-history.js";
import { registerStateDatabaseMetrics } from "./metrics/state-database-metrics.js";
import { startStatsdReporter } from "./metrics/statsd-reporter.js";
import { teeDispatchMetrics } from "./metrics/tee-dispatch-metrics.js";
import { createOpenAIApp } from "./openai/openai-app.js";
import { Fleet } from "./pools/fleet.js";
import { applyFleetFile } from "./pools/fleet-file.js";
import { poolPickers } from "./pools/pool-pickers.js";
import { isLoopbackHost } from "./security/is-loopback-host.js";
import { createSecretMatcher } from "./security/secret-matcher.js";
import { adminPanelOrigins } from "./web-admin-panel/admin-panel-origins.js";
import { createWebAdminPanelApp } from "./web-admin-panel/web-admin-panel-app.js";

export interface RunningBalancer {
  /** Bound `host:port` of each service that runs, keyed `inference`, `management`, `webAdminPanel`, `compatOpenai`. */
  readonly addresses: Readonly<Record<string, string>>;
  /**
   * Stops accepting, answers buffered requests with 503 "balancer is shutting down", lets running
   * ones finish within the grace period, then closes agents and clients cleanly.
   */
  close(options?: { gracePeriodMs?: number }): Promise<void>;
}

export interface StartBalancerOptions {
  config: BalancerSettings;
  logger: Logger;
  /**
   * Traces every inference request (a span per request, with buffer wait, dispatch and stream);
   * the caller owns the SDK behind it. Absent: tracing is off.
   */
  tracer?: Tracer | undefined;
}

const formatAddr = ({ host, port }: ServiceAddr) => `${host}:${port}`;

/** Wires the balancer's shared state once and starts each service whose address is given. */
export async function startBalancer({
  config: given,
  logger,
  tracer,
}: StartBalancerOptions): Promise<RunningBalancer> {
  const config = { ...balancerSettingsDefaults, ...withoutUndefined(given) };
  const stateDatabase = await openStateDatabase(config.stateDatabase, {
    logger: logger.child({ service: "state-database" }),
  });
  const bufferListeners = new Set<() => void>();
  let registry: AgentRegistry | null = null;
  let fleet: Fleet | null = null;
  const pickerFor = poolPickers((name) => fleet?.policyOf(name) ?? IMPLICIT_POOL_POLICY);
  const pool = new SlotPools(
    (name) =>
      new SlotPool({
        maxBufferedRequests: config.maxBufferedRequests,
        bufferedRequestTimeoutMs: config.bufferedRequestTimeoutMs,
        limits: () => fleet?.limitsOf(name) ?? {},
        circuitBreaker: new CircuitBreaker({
          failureThreshold: config.circuitBreakerFailures,
          windowMs: config.circuitBreakerWindowMs,
          cooldownMs: config.circuitBreakerCooldownMs,
        }),
        picker: () => pickerFor(name),
        onChange: () => {
          registry?.changed();
          for (const listener of bufferListeners) listener();
        },
      }),
  );
  const metrics = createBalancerMetrics({ prefix: config.statsdPrefix, pool });
  registry = new AgentRegistry(pool, {
    logger: logger.child({ service: "agents" }),
    onDriftHealed: (kind, count) => metrics.driftHealed(kind, count),
  });
  const loadedFleet = await Fleet.load({ database: stateDatabase, registry, slots: pool });
  fleet = loadedFleet;
  if (config.fleetFile) {
    try {
      await applyFleetFile(loadedFleet, config.fleetFile);
    } catch (error) {
      await stateDatabase.close();
      throw error;
    }
  }
  const cluster = loadedFleet.default;
  // Changes other balancers write to a shared database reach this balancer and its agents too.
  stateDatabase.subscribe((change) => {
    if (change.origin === "remote") void loadedFleet.applyStored(change);
  });
  registerStateDatabaseMetrics({
    registry: metrics.registry,
    prefix: prometheusPrefix(config.statsdPrefix),
    health: () => stateDatabase.health(),
  });
  const autoscaling = createAutoscalingSignal({
    pools: () => loadedFleet.allPools(),
    registry,
    slots: pool,
    rule: {
      targetUtilization: config.autoscalingTargetUtilization,
      slotsPerAgent: config.autoscalingSlotsPerAgent,
      scaleUpWaitMs: config.autoscalingScaleUpWaitMs,
    },
  });
  registerAutoscalingMetrics({
    registry: metrics.registry,
    prefix: prometheusPrefix(config.statsdPrefix),
    signal: autoscaling,
  });
  const limits = {
    maxPromptChars: config.maxPromptChars,
    maxConversationMessages: config.maxConversationMessages,
    maxEmbeddingDocuments: config.maxEmbeddingDocuments,
  };
  const fleetHistory = startFleetHistory({ registry, slots: pool });
  registerAgentDeviceMetrics({
    registry: metrics.registry,
    prefix: prometheusPrefix(config.statsdPrefix),
    agents: () => registry?.snapshots() ?? [],
  });
  const countRefusal = registerAgentRefusalMetrics({
    registry: metrics.registry,
    prefix: prometheusPrefix(config.statsdPrefix),
  });
  const dispatcher = createDispatcher({
    onRefused: countRefusal,
    pool,
    registry,
    itemTimeoutMs: config.inferenceItemTimeoutMs,
    logger,
    metrics: teeDispatchMetrics(metrics.dispatch, fleetHistory.history.dispatch),
    requestMetrics: fleetHistory.requestMetrics,
    limits,
    tracer,
  });
  const inferenceApiKeys = createSecretMatcher(config.inferenceApiKeys);
  const serveLimits = {
    maxWebSocketPayload: config.maxWebSocketFrameBytes,
    maxWebSocketConnections: config.maxWebSocketConnections,
    requestTimeoutMs: config.requestTimeoutMs,
    headersTimeoutMs: config.requestHeadersTimeoutMs,
  };

  // Paddler adds the panel's own origin to the inference and management allow-lists; it is
  // filled in once the panel has bound its port (port 0 resolves only then).
  const panelOrigins: string[] = [];
  const served: Record<string, ServedApp> = {};
  try {
    served.management = await serveApp({
      app: createManagementApp({
        history: fleetHistory.history,
        recentRequests: fleetHistory.recentRequests,
        agentTimeline: fleetHistory.agentTimeline,
        registry,
        pool,
        cluster,
        fleet: loadedFleet,
        logger: logger.child({ service: "management" }),
        corsAllowedOrigins: () => [...config.managementCorsAllowedHosts, ...panelOrigins],
        metricsRegistry: metrics.registry,
        subscribeToBuffer: (listener) => {
          bufferListeners.add(listener);
          return () => bufferListeners.delete(listener);
        },
        maxRequestBodyBytes: config.maxRequestBodyBytes,
        managementToken: createSecretMatcher(config.managementToken === null ? [] : [config.managementToken]),
        agentJoinSecret: createSecretMatcher(config.agentJoinSecret === null ? [] : [config.agentJoinSecret]),
        stateDatabaseHealth: () => stateDatabase.health(),
        autoscaling,
      }),
      ...config.managementAddr,
      flag: "--management-addr",
      ...serveLimits,
    });
    if (config.inferenceAddr) {
      served.inference = await serveApp({
        app: createInferenceApp({
          registry,
          fleet: loadedFleet,
          dispatcher,
          logger: logger.child({ service: "inference" }),
          corsAllowedOrigins: () => [...config.inferenceCorsAllowedHosts, ...panelOrigins],
          limits,
          maxRequestBodyBytes: config.maxRequestBodyBytes,
          apiKeys: inferenceApiKeys,
          tracer,
        }),
        ...config.inferenceAddr,
        flag: "--inference-addr",
        ...serveLimits,
      });
    }
    if (config.compatOpenaiAddr) {
      served.compatOpenai = await serveApp({
        app: createOpenAIApp({
          registry,
          cluster,
          fleet: loadedFleet,
          dispatcher,
          logger: logger.child({ service: "openai" }),
          // Paddler reuses the inference allow-list for the OpenAI service.
          corsAllowedOrigins: () => [...config.inferenceCorsAllowedHosts, ...panelOrigins],
          limits,
          maxRequestBodyBytes: config.maxRequestBodyBytes,
          apiKeys: inferenceApiKeys,
          tracer,
        }),
        ...config.compatOpenaiAddr,
        flag: "--compat-openai-addr",
        ...serveLimits,
      });
    }
    if (config.webAdminPanelAddr) {
      served.webAdminPanel = await serveApp({
        app: createWebAdminPanelApp({
          managementAddress: served.management.address,
          inferenceAddress: served.inference?.address ?? null,
          compatOpenaiAddress: served.compatOpenai?.address ?? null,
          maxBufferedRequests: config.maxBufferedRequests,
          bufferedRequestTimeoutMs: config.bufferedRequestTimeoutMs,
          logger: logger.child({ service: "web-admin-panel" }),
        }),
        ...config.webAdminPanelAddr,
        flag: "--web-admin-panel-addr",
        ...serveLimits,
      });
      panelOrigins.push(
        ...adminPanelOrigins({
          bound: served.webAdminPanel.address,
          configuredHost: config.webAdminPanelAddr.host,
          configuredPort: config.webAdminPanelAddr.port,
        }),
      );
    }
  } catch (error) {
    await Promise.all(Object.values(served).map((service) => service.close()));
    fleetHistory.close();
    await stateDatabase.close();
    throw error;
  }

  const statsd = config.statsdAddr
    ? startStatsdReporter({
        ...config.statsdAddr,
        prefix: config.statsdPrefix,
        intervalMs: config.statsdReportingIntervalMs,
        gauges: metrics.gauges,
        logger: logger.child({ service: "statsd" }),
      })
    : null;
  const addresses = Object.fromEntries(
    Object.entries(served).map(([name, service]) => [name, service.address]),
  );
  // Never the secrets themselves: only whether each is set.
  logger.info("balancer started", {
    addresses,
    stateDatabase: stateDatabase.url,
    inferenceAuthentication: inferenceApiKeys !== null,
    managementAuthentication: config.managementToken !== null,
    agentJoinSecret: config.agentJoinSecret !== null,
  });
  if (config.agentJoinSecret === null && !isLoopbackHost(config.managementAddr.host)) {
    // An agent is trusted with prompts and answers: say it loudly, once, where operators look.
    logger.warn(
      "ANYONE WHO CAN REACH THE MANAGEMENT ADDRESS CAN JOIN AS AN AGENT: it listens beyond this machine and no --agent-join-secret is set",
      { managementAddr: formatAddr(config.managementAddr) },
    );
  }
  let closing: Promise<void> | null = null;
  return {
    addresses,
    close: ({ gracePeriodMs = config.shutdownGracePeriodMs } = {}) => {
      closing ??= (async () => {
        for (const service of Object.values(served)) service.stopAccepting();
        pool.shutDown();
        const deadline = Date.now() + gracePeriodMs;
        const running = pool.busySlots;
        if (running > 0)
          logger.info("shutting down: letting running requests finish", { running, gracePeriodMs });
        // Slots free at the agent's last reply; the client's response ends just after it.
        const finished =
          (await waitUntilIdle(pool, bufferListeners, gracePeriodMs)) &&
          (
            await Promise.all(
              [served.inference, served.compatOpenai].map(
                (service) => service?.whenNoRequests(Math.max(0, deadline - Date.now())) ?? true,
              ),
            )
          ).every(Boolean);
        if (!finished) {
          logger.warn("grace period over; cutting off running requests", { running: pool.busySlots });
          // Each cut stream ends with an error line rather than silence; give those lines a moment.
          dispatcher.cutOffRunning();
          await Promise.all(
            [served.inference, served.compatOpenai].map((service) => service?.whenNoRequests(1000)),
          );
        }
        await statsd?.close();
        fleetHistory.close();
        await Promise.all(
          Object.values(served).map((service) =>
            service.close({ closeCode: 1001, reason: "balancer is shutting down" }),
          ),
        );
        await stateDatabase.close();
        logger.info("balancer stopped");
      })();
      return closing;
    },
  };
}

/** Resolves true once no slot is busy, or false when the grace period runs out first. */
function waitUntilIdle(pool: SlotPools, listeners: Set<() => void>, gracePeriodMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (idle: boolean) => {
      listeners.delete(check);
      clearTimeout(timer);
      resolve(idle);
    };
    const check = () => {
      if (pool.busySlots === 0) done(true);
    };
    const timer = setTimeout(() => done(false), gracePeriodMs);
    listeners.add(check);
    check();
  });
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

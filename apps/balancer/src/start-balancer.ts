import type { Logger } from "@paddler/logger";
import { openStateDatabase } from "@paddler/state-db";
import { AgentRegistry } from "./agents/agent-registry.js";
import { SlotPool } from "./balancing/slot-pool.js";
import { ClusterState } from "./cluster/cluster-state.js";
import { createDispatcher } from "./dispatch/dispatcher.js";
import { ShuttingDownError } from "./errors.js";
import { type ServedApp, serveApp } from "./http/serve-app.js";
import { createInferenceApp } from "./inference-app.js";
import { createManagementApp } from "./management-app.js";
import { createOpenAIApp } from "./openai/openai-app.js";
import { createWebAdminPanelApp } from "./web-admin-panel/web-admin-panel-app.js";

export interface ServiceAddr {
  host: string;
  port: number;
}

/** What the balancer needs to start; the CLI's BalancerConfig has this shape. */
export interface BalancerSettings {
  inferenceAddr: ServiceAddr | null;
  managementAddr: ServiceAddr;
  webAdminPanelAddr: ServiceAddr | null;
  compatOpenaiAddr: ServiceAddr | null;
  stateDatabase: string;
  maxBufferedRequests: number;
  bufferedRequestTimeoutMs: number;
  inferenceItemTimeoutMs: number;
  inferenceCorsAllowedHosts: readonly string[];
  managementCorsAllowedHosts: readonly string[];
  statsdPrefix: string;
}

export interface RunningBalancer {
  /** Bound `host:port` of each service that runs, keyed `inference`, `management`, `webAdminPanel`, `compatOpenai`. */
  readonly addresses: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

export interface StartBalancerOptions {
  config: BalancerSettings;
  logger: Logger;
}

const formatAddr = ({ host, port }: ServiceAddr) => `${host}:${port}`;

/** Wires the balancer's shared state once and starts each service whose address is given. */
export async function startBalancer({ config, logger }: StartBalancerOptions): Promise<RunningBalancer> {
  const stateDatabase = await openStateDatabase(config.stateDatabase);
  const bufferListeners = new Set<() => void>();
  let registry: AgentRegistry | null = null;
  const pool = new SlotPool({
    maxBufferedRequests: config.maxBufferedRequests,
    bufferedRequestTimeoutMs: config.bufferedRequestTimeoutMs,
    onChange: () => {
      registry?.changed();
      for (const listener of bufferListeners) listener();
    },
  });
  registry = new AgentRegistry(pool);
  const cluster = await ClusterState.load(
    {
      read: () => stateDatabase.readBalancerDesiredState(),
      store: (state) => stateDatabase.storeBalancerDesiredState(state),
    },
    registry,
  );
  const dispatcher = createDispatcher({
    pool,
    registry,
    itemTimeoutMs: config.inferenceItemTimeoutMs,
    logger,
  });

  // Paddler adds the panel's own origin to the inference and management allow-lists; it is
  // filled in once the panel has bound its port (port 0 resolves only then).
  const panelOrigins: string[] = [];
  const served: Record<string, ServedApp> = {};
  try {
    served.management = await serveApp({
      app: createManagementApp({
        registry,
        pool,
        cluster,
        logger: logger.child({ service: "management" }),
        corsAllowedOrigins: () => [...config.managementCorsAllowedHosts, ...panelOrigins],
        metricsPrefix: config.statsdPrefix,
        subscribeToBuffer: (listener) => {
          bufferListeners.add(listener);
          return () => bufferListeners.delete(listener);
        },
      }),
      ...config.managementAddr,
    });
    if (config.inferenceAddr) {
      served.inference = await serveApp({
        app: createInferenceApp({
          registry,
          cluster,
          dispatcher,
          logger: logger.child({ service: "inference" }),
          corsAllowedOrigins: () => [...config.inferenceCorsAllowedHosts, ...panelOrigins],
        }),
        ...config.inferenceAddr,
      });
    }
    if (config.compatOpenaiAddr) {
      served.compatOpenai = await serveApp({
        app: createOpenAIApp({
          registry,
          cluster,
          dispatcher,
          logger: logger.child({ service: "openai" }),
          // Paddler reuses the inference allow-list for the OpenAI service.
          corsAllowedOrigins: () => [...config.inferenceCorsAllowedHosts, ...panelOrigins],
        }),
        ...config.compatOpenaiAddr,
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
      });
      panelOrigins.push(`http://${served.webAdminPanel.address}`);
      // The configured name too (e.g. localhost), as the browser's origin uses what the user typed.
      if (config.webAdminPanelAddr.port !== 0)
        panelOrigins.push(`http://${formatAddr(config.webAdminPanelAddr)}`);
    }
  } catch (error) {
    await Promise.all(Object.values(served).map((service) => service.close()));
    await stateDatabase.close();
    throw error;
  }

  const addresses = Object.fromEntries(
    Object.entries(served).map(([name, service]) => [name, service.address]),
  );
  logger.info("balancer started", { addresses, stateDatabase: stateDatabase.url });
  let closing: Promise<void> | null = null;
  return {
    addresses,
    close: () => {
      closing ??= (async () => {
        pool.rejectAllWaiters(new ShuttingDownError());
        await Promise.all(Object.values(served).map((service) => service.close()));
        await stateDatabase.close();
      })();
      return closing;
    },
  };
}

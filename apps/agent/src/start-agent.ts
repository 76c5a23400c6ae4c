import type { Logger } from "@paddler/logger";
import { DEFAULT_MODEL_POOL } from "@paddler/protocol";
import { nanoid } from "nanoid";
import { AgentStatus } from "./agent-status.js";
import { BalancerConnection } from "./balancer-connection.js";
import type { EngineChoice } from "./config/engine-choice.js";
import type { InferenceEngineFactory } from "./engine/inference-engine.js";
import { createLlamaEngineFactory } from "./engine/llama-engine-factory.js";
import { createManagedLlamaServerFactory } from "./engines/llama-server-managed/managed-llama-server-factory.js";
import { startUpstreamHost } from "./engines/start-upstream-host.js";
import { resolveModelPath } from "./model-sources/resolve-model-path.js";
import { Reconciler } from "./reconciler.js";
import { RequestRunner } from "./request-runner.js";

/** What the agent needs to start; the CLI's AgentConfig has this shape. */
export interface AgentSettings {
  managementAddr: { host: string; port: number };
  name: string | null;
  slots: number;
  threads: number;
  /** Sent on the socket upgrade when the balancer asks agents for a join secret. */
  agentJoinSecret?: string | null;
  /** The model pool to join; the default pool (Paddler's one cluster) when absent. */
  pool?: string;
  /** The built-in llama.cpp engine when absent. */
  engine?: EngineChoice;
  /** A reload waits at most this long for running requests (default 30 s), then cancels them. */
  drainTimeoutMs?: number;
}

export interface StartAgentOptions {
  config: AgentSettings;
  logger: Logger;
  /** Where downloaded models are cached (see `defaultCacheDir`). */
  cacheDir: string;
  huggingFaceEndpoint?: string;
  huggingFaceToken?: string;
  /** The llama.cpp engine by default; benchmarks pass the synthetic one. */
  engineFactory?: InferenceEngineFactory;
  /** Fixed per process so a reconnect is the same agent (Paddler uses a nanoid too). */
  agentId?: string;
  /** How long close() lets running requests finish. */
  shutdownGraceMs?: number;
}

/** The agent's slots as its parts see them; when all is well they agree. */
export interface AgentSlotsView {
  /** Requests the runner runs (what the agent reports to the balancer). */
  running: string[];
  /** The engine's own count, or null while no engine is loaded. */
  engine: { slotsTotal: number; slotsProcessing: number } | null;
}

export interface RunningAgent {
  readonly id: string;
  readonly status: AgentStatus;
  /** For health checks and tests: the runner's and the engine's view of the slots. */
  slots(): AgentSlotsView;
  /** Deregisters, lets running requests finish, frees the model. */
  close(): Promise<void>;
}

export async function startAgent(options: StartAgentOptions): Promise<RunningAgent> {
  const { config, logger, shutdownGraceMs = 30_000 } = options;
  const id = options.agentId ?? nanoid();
  const log = logger.child({ agentId: id });
  const status = new AgentStatus(config.slots);
  const engineChoice = config.engine ?? { kind: "LlamaCpp" };
  const ownsFactory = options.engineFactory === undefined;
  if (engineChoice.kind === "LlamaServerManaged") {
    status.update({
      engine: { kind: "LlamaServerManaged", upstream: null, served_models: [], forward_http_version: null },
    });
  }
  const engineFactory =
    options.engineFactory ??
    (engineChoice.kind === "LlamaServerManaged"
      ? createManagedLlamaServerFactory({
          binary: engineChoice.binary,
          logger: log,
          onEngineInfo: (info) =>
            status.update({
              engine: info ?? {
                kind: "LlamaServerManaged",
                upstream: null,
                served_models: [],
                forward_http_version: null,
              },
            }),
        })
      : createLlamaEngineFactory({ gpu: false, logger: log }));
  let connection: BalancerConnection | null = null;
  // Reads the engine host (set below) only when a request comes.
  const runner = new RequestRunner({
    engine: () => engineHost.engine,
    chatTemplateOverride: () => engineHost.desiredState?.chat_template_override ?? null,
    send: (message) => connection?.send(message),
    onRunningChanged: (requestIds) => status.setRunningRequests(requestIds),
    logger: log,
  });
  const reconciler: Reconciler = new Reconciler({
    status,
    requests: runner,
    ...(config.drainTimeoutMs === undefined ? {} : { drainTimeoutMs: config.drainTimeoutMs }),
    engineFactory,
    slots: config.slots,
    threads: config.threads,
    logger: log,
    resolveModel: (model, signal) =>
      resolveModelPath({
        model,
        cacheDir: options.cacheDir,
        signal,
        huggingFaceEndpoint: options.huggingFaceEndpoint,
        huggingFaceToken: options.huggingFaceToken,
        onProgress: (progress) =>
          status.update({
            download_current: progress.current,
            download_total: progress.total,
            download_filename: progress.filename,
            download_indeterminate: progress.indeterminate,
          }),
      }),
  });
  // External servers have no model to load: their host stands in for the reconciler.
  const upstreamHost = await startUpstreamHost({
    engine: engineChoice,
    slots: config.slots,
    status,
    logger: log,
  });
  const engineHost = upstreamHost ?? reconciler;
  const { host, port } = config.managementAddr;
  connection = new BalancerConnection({
    // Only a non-default pool is named, so Paddler's balancer sees the URL it expects.
    url: `ws://${host}:${port}/api/v1/agent_socket/${id}${
      config.pool && config.pool !== DEFAULT_MODEL_POOL ? `?pool=${encodeURIComponent(config.pool)}` : ""
    }`,
    joinSecret: config.agentJoinSecret ?? null,
    name: config.name,
    status,
    logger: log,
    onDisconnected: () => runner.stopAll(),
    onMessage: (message) => {
      if ("Request" in message) {
        // The balancer's request id (the client's X-Request-Id when it sent one) ties these lines to its own.
        log.debug("request received", { requestId: message.Request.id });
        runner.run(message.Request.id, message.Request.request);
        return;
      }
      const notification = message.Notification;
      if ("SetState" in notification) engineHost.setDesiredState(notification.SetState.desired_state);
      else if ("StopRespondingTo" in notification) runner.stop(notification.StopRespondingTo);
    },
  });
  let closing: Promise<void> | null = null;
  return {
    id,
    status,
    slots: () => {
      const engine = engineHost.engine;
      return {
        running: runner.runningIds(),
        engine: engine ? { slotsTotal: engine.slotsTotal, slotsProcessing: engine.slotsProcessing } : null,
      };
    },
    close: () => {
      closing ??= (async () => {
        // Deregister first so the balancer sends nothing new, let running requests finish on
        // the open socket, then close it and free the model.
        connection?.deregister();
        await Promise.race([
          runner.drained(),
          new Promise((resolve) => setTimeout(resolve, shutdownGraceMs).unref()),
        ]);
        // What outlived the grace period ends with an error the client can read, not silence.
        runner.cancelAll("the agent is shutting down");
        await Promise.race([runner.drained(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
        await connection?.close();
        await engineHost.close();
        if (ownsFactory && Symbol.asyncDispose in engineFactory) {
          await (engineFactory as AsyncDisposable)[Symbol.asyncDispose]();
        }
      })();
      return closing;
    },
  };
}

import type { Tracer } from "@opentelemetry/api";
import type { Logger } from "@paddler/logger";
import {
  type AgentDesiredState,
  type AgentDeviceStatus,
  type AgentToBalancerMessage,
  agentSlotsFullError,
  DEFAULT_MODEL_POOL,
} from "@paddler/protocol";
import { nanoid } from "nanoid";
import { AgentStatus } from "./agent-status.js";
import { BalancerConnection } from "./balancer-connection.js";
import { BalancerLinks } from "./balancer-links.js";
import type { EngineChoice } from "./config/engine-choice.js";
import { createCpuDeviceSampler } from "./device/cpu-device.js";
import { startDeviceMonitor } from "./device/device-monitor.js";
import { createNvidiaSmiQuery } from "./device/nvidia-smi.js";
import { readDeviceStatus } from "./device/read-device-status.js";
import type { InferenceEngineFactory } from "./engine/inference-engine.js";
import { createLlamaEngineFactory, type LlamaEngineFactory } from "./engine/llama-engine-factory.js";
import { createManagedLlamaServerFactory } from "./engines/llama-server-managed/managed-llama-server-factory.js";
import { startUpstreamHost } from "./engines/start-upstream-host.js";
import { resolveModelPath } from "./model-sources/resolve-model-path.js";
import { Reconciler } from "./reconciler.js";
import { RequestRunner } from "./request-runner.js";

/** What the agent needs to start; the CLI's AgentConfig has this shape. */
/** Joins a balancer's key (ip:port) to a request id inside the agent; the first one found splits them. */
const LINK_SEPARATOR = "\u0000";

export interface AgentSettings {
  managementAddr: { host: string; port: number };
  /** Every balancer to serve (each name resolved to all its addresses); `[managementAddr]` when absent. */
  managementAddrs?: { host: string; port: number }[];
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
  /**
   * How the built-in llama.cpp engine's device load is read (every 5 s by default, nvidia-smi from
   * the PATH); `false` reports none.
   */
  deviceLoad?: { intervalMs?: number; nvidiaSmiBinary?: string } | false;
  /** Continues the balancer's traces (a span per request, prompt processing, generation); absent: off. */
  tracer?: Tracer | undefined;
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
  /** The desired state the balancers last told it (null before the first). */
  desiredState(): AgentDesiredState | null;
  /** Deregisters, lets running requests finish, frees the model. */
  close(): Promise<void>;
}

/** The built-in factory knows the GPU; a factory passed in (the synthetic one) runs on the CPU. */
function readsLlamaGpu(
  factory: InferenceEngineFactory,
): factory is InferenceEngineFactory & Pick<LlamaEngineFactory, "llamaGpu"> {
  return "llamaGpu" in factory && typeof factory.llamaGpu === "function";
}

function deviceReader(
  engineFactory: InferenceEngineFactory,
  nvidiaSmiBinary: string | undefined,
): () => Promise<AgentDeviceStatus> {
  const cpu = createCpuDeviceSampler();
  const nvidiaSmi = createNvidiaSmiQuery(nvidiaSmiBinary === undefined ? {} : { binary: nvidiaSmiBinary });
  const llamaGpu = readsLlamaGpu(engineFactory) ? () => engineFactory.llamaGpu() : async () => null;
  return () => readDeviceStatus({ cpu, nvidiaSmi, llamaGpu });
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
  // Device load: where the built-in engine runs. Upstream engines run elsewhere and report none.
  const deviceMonitor =
    engineChoice.kind === "LlamaCpp" && options.deviceLoad !== false
      ? startDeviceMonitor({
          read: deviceReader(engineFactory, options.deviceLoad?.nvidiaSmiBinary),
          onReading: (device) => status.update({ device }),
          logger: log,
          intervalMs: options.deviceLoad?.intervalMs,
        })
      : null;
  const connections = new Map<string, BalancerConnection>();
  let route: (message: AgentToBalancerMessage) => void = () => undefined;
  // Reads the engine host (set below) only when a request comes.
  const runner = new RequestRunner({
    engine: () => engineHost.engine,
    chatTemplateOverride: () => engineHost.desiredState?.chat_template_override ?? null,
    send: (message) => route(message),
    onRunningChanged: (requestIds) => status.setRunningRequests(requestIds),
    logger: log,
    tracer: options.tracer,
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
  // Request ids are kept apart per balancer: two balancers may send the same id.
  const toRunnerId = (link: string, requestId: string) => `${link}${LINK_SEPARATOR}${requestId}`;
  const ofLink = (link: string) => (runnerId: string) => runnerId.startsWith(`${link}${LINK_SEPARATOR}`);
  const fromRunnerId = (runnerId: string) => {
    const at = runnerId.indexOf(LINK_SEPARATOR);
    return { link: runnerId.slice(0, at), requestId: runnerId.slice(at + 1) };
  };
  route = (message) => {
    const envelope = "Response" in message ? message.Response : "Error" in message ? message.Error : null;
    if (envelope === null) return;
    const { link, requestId } = fromRunnerId(envelope.request_id);
    const connection = connections.get(link);
    if ("Response" in message) connection?.send({ Response: { ...message.Response, request_id: requestId } });
    else if ("Error" in message) connection?.send({ Error: { ...message.Error, request_id: requestId } });
  };
  const poolQuery =
    config.pool && config.pool !== DEFAULT_MODEL_POOL ? `?pool=${encodeURIComponent(config.pool)}` : "";
  const links = new BalancerLinks({
    addrs: config.managementAddrs ?? [config.managementAddr],
    logger: log,
    open: (link, { host, port }) => {
      const mine = ofLink(link);
      const connection = new BalancerConnection({
        // Only a non-default pool is named, so Paddler's balancer sees the URL it expects.
        url: `ws://${host}:${port}/api/v1/agent_socket/${id}${poolQuery}`,
        joinSecret: config.agentJoinSecret ?? null,
        name: config.name,
        status,
        // Each balancer reconciles its leases against its own requests only.
        slotsReport: () => {
          const report = status.slotsReport();
          return {
            ...report,
            running_request_ids: report.running_request_ids
              .filter(mine)
              .map((runnerId) => fromRunnerId(runnerId).requestId),
          };
        },
        logger: log,
        onDisconnected: () => {
          for (const runnerId of runner.runningIds().filter(mine)) runner.stop(runnerId);
        },
        onMessage: (message) => {
          if ("Request" in message) {
            const { id: requestId, request, trace_context: traceContext } = message.Request;
            // The balancer's request id (the client's X-Request-Id when it sent one) ties these lines to its own;
            // so does the trace id when the balancer traces (version-traceid-parentid-flags).
            log.debug("request received", {
              requestId,
              balancer: link,
              ...(traceContext ? { trace_id: traceContext.traceparent.slice(3, 35) } : {}),
            });
            // The agent is the authority on its slots: with every one taken (another balancer's
            // requests count too) it refuses at once, and the balancer dispatches elsewhere or waits.
            const slots = status.fields.slots_total;
            if (typeof request === "object" && slots > 0 && runner.running >= slots) {
              connection.send({
                Error: { request_id: requestId, error: agentSlotsFullError(runner.running, slots) },
              });
              return;
            }
            runner.run(toRunnerId(link, requestId), request, { requestId, traceContext });
            return;
          }
          const notification = message.Notification;
          if ("SetState" in notification) engineHost.setDesiredState(notification.SetState.desired_state);
          else if ("StopRespondingTo" in notification)
            runner.stop(toRunnerId(link, notification.StopRespondingTo));
        },
      });
      connections.set(link, connection);
      return {
        deregister: () => connection.deregister(),
        close: async () => {
          connections.delete(link);
          await connection.close();
        },
      };
    },
  });
  let closing: Promise<void> | null = null;
  return {
    id,
    status,
    slots: () => {
      const engine = engineHost.engine;
      return {
        // The ids each balancer sent (several balancers may have sent the same one).
        running: runner.runningIds().map((runnerId) => fromRunnerId(runnerId).requestId),
        engine: engine ? { slotsTotal: engine.slotsTotal, slotsProcessing: engine.slotsProcessing } : null,
      };
    },
    desiredState: () => engineHost.desiredState,
    close: () => {
      closing ??= (async () => {
        // Deregister first so the balancer sends nothing new, let running requests finish on
        // the open socket, then close it and free the model.
        links.deregister();
        deviceMonitor?.stop();
        await Promise.race([
          runner.drained(),
          new Promise((resolve) => setTimeout(resolve, shutdownGraceMs).unref()),
        ]);
        // What outlived the grace period ends with an error the client can read, not silence.
        runner.cancelAll("the agent is shutting down");
        await Promise.race([runner.drained(), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
        await links.close();
        await engineHost.close();
        if (ownsFactory && Symbol.asyncDispose in engineFactory) {
          await (engineFactory as AsyncDisposable)[Symbol.asyncDispose]();
        }
      })();
      return closing;
    },
  };
}

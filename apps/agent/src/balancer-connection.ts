import type { Logger } from "@paddler/logger";
import {
  type AgentSlotsReport,
  type AgentToBalancerMessage,
  type BalancerToAgentMessage,
  balancerToAgentMessageSchema,
  FRAME_BATCHING_HEADER,
  formatZodError,
  PADDLER_PROTOCOL_VERSION,
  parseJsonWithLimits,
  requestIdSchema,
} from "@paddler/protocol";
import WebSocket from "ws";
import type { AgentStatus } from "./agent-status.js";
import { FrameOutbox } from "./frame-outbox.js";

export interface BalancerConnectionOptions {
  url: string;
  /** What this balancer is told the agent runs; the agent's whole report when absent. */
  slotsReport?: () => AgentSlotsReport;
  name: string | null;
  /** Sent in the `X-Paddler-Join-Secret` header on every (re)connect; never logged. */
  joinSecret?: string | null;
  status: AgentStatus;
  logger: Logger;
  onMessage(message: BalancerToAgentMessage): void;
  /** The socket is gone; requests that came on it cannot be answered. */
  onDisconnected(): void;
  reconnectDelayMs?: number;
  /** With no ping or frame from the balancer for this long, the socket is dropped and redialled. */
  silenceTimeoutMs?: number;
  statusIntervalMs?: number;
}

/** The id at the head of a request frame (where the balancer writes it), read without parsing the rest. */
function leadingRequestIdOf(text: string): string | null {
  const match = /^\{"Request":\{"id":("(?:[^"\\]|\\.){1,256}")/.exec(text);
  if (!match?.[1]) return null;
  const id = requestIdSchema.safeParse(JSON.parse(match[1]));
  return id.success ? id.data : null;
}

function requestIdOf(json: unknown): string | null {
  if (typeof json !== "object" || json === null || !("Request" in json)) return null;
  const request = json.Request;
  if (typeof request !== "object" || request === null || !("id" in request)) return null;
  const id = requestIdSchema.safeParse(request.id);
  return id.success ? id.data : null;
}

/**
 * The agent's socket to the balancer: registers, reports status on every change and every second,
 * and reconnects every second with the same id while the balancer is away.
 */
export class BalancerConnection {
  readonly #options: BalancerConnectionOptions;
  #socket: WebSocket | null = null;
  #outbox: FrameOutbox | null = null;
  #registered = false;
  #closed = false;
  #refusedLogged = false;
  /** Whether "cannot reach the balancer" was said since the last successful connection. */
  #unreachableLogged = false;
  #reconnectTimer: NodeJS.Timeout | null = null;
  /** Frames read from the current socket, reported so the balancer knows which requests a report covers. */
  #framesReceived = 0;
  readonly #statusTimer: NodeJS.Timeout;
  readonly #unsubscribe: () => void;

  constructor(options: BalancerConnectionOptions) {
    this.#options = options;
    this.#unsubscribe = options.status.subscribe(() => this.#sendStatus());
    this.#statusTimer = setInterval(() => this.#sendStatus(), options.statusIntervalMs ?? 1000);
    this.#connect();
  }

  get registered(): boolean {
    return this.#registered;
  }

  send(message: AgentToBalancerMessage): void {
    if (this.#socket?.readyState === WebSocket.OPEN) this.#outbox?.send(JSON.stringify(message));
  }

  #sendStatus(): void {
    if (!this.#registered) return;
    this.send({
      Notification: {
        UpdateAgentStatus: {
          slot_aggregated_status_snapshot: this.#options.status.snapshot(),
          agent_slots: {
            ...(this.#options.slotsReport ?? (() => this.#options.status.slotsReport()))(),
            frames_received: this.#framesReceived,
          },
        },
      },
    });
  }

  #connect(): void {
    if (this.#closed) return;
    const { logger } = this.#options;
    const { joinSecret } = this.#options;
    const socket = new WebSocket(this.#options.url, {
      maxPayload: 50 * 1024 * 1024,
      headers: {
        ...(joinSecret ? { "X-Paddler-Join-Secret": joinSecret } : {}),
        [FRAME_BATCHING_HEADER]: "1",
      },
    });
    this.#socket = socket;
    this.#framesReceived = 0;
    const outbox = new FrameOutbox(socket);
    this.#outbox = outbox;
    socket.on("upgrade", (response) => {
      if (response.headers[FRAME_BATCHING_HEADER] === "1") outbox.enableBatching();
    });
    socket.on("unexpected-response", (_request, response) => {
      if (response.statusCode === 401 && !this.#refusedLogged) {
        this.#refusedLogged = true;
        logger.error("the balancer refused this agent: check --agent-join-secret (retrying)");
      } else if (response.statusCode !== 401) {
        logger.warn("the balancer refused the connection", { status: response.statusCode });
      }
      socket.terminate();
    });
    // A balancer machine that vanished without closing the TCP connection sends nothing; without
    // this the agent would wait on the dead socket for minutes. The agent pings (any WebSocket
    // server answers with a pong) and counts every ping, pong or frame as a sign of life.
    const silenceTimeoutMs = this.#options.silenceTimeoutMs ?? 10_000;
    let silence: NodeJS.Timeout | null = null;
    let pinger: NodeJS.Timeout | null = null;
    const expectLife = () => {
      if (silence) clearTimeout(silence);
      silence = setTimeout(() => {
        logger.warn("the balancer went silent; reconnecting");
        socket.terminate();
      }, silenceTimeoutMs);
      silence.unref();
    };
    socket.on("ping", expectLife);
    socket.on("pong", expectLife);
    socket.on("message", expectLife);
    socket.on("close", () => {
      if (silence) clearTimeout(silence);
      if (pinger) clearInterval(pinger);
    });
    socket.on("open", () => {
      expectLife();
      pinger = setInterval(() => socket.ping(), Math.max(10, Math.floor(silenceTimeoutMs / 3)));
      pinger.unref();
      this.#refusedLogged = false;
      this.#unreachableLogged = false;
      logger.info("connected to the balancer", { url: this.#options.url });
      // Register at once: the balancer's Version notice is informative only.
      this.#registered = true;
      this.send({
        Notification: {
          RegisterAgent: {
            name: this.#options.name,
            slot_aggregated_status_snapshot: this.#options.status.snapshot(),
          },
        },
      });
      // RegisterAgent has no room for the extension; the running requests follow at once.
      this.#sendStatus();
    });
    socket.on("message", (data) => {
      // Counted before anything else: a request is handled (running, or answered) in this same
      // turn, so any report taken from now on covers it.
      this.#framesReceived++;
      // The agent checks every frame itself: an older or rogue balancer may not have checked.
      const text = String(data);
      const read = parseJsonWithLimits(text);
      if (!read.ok) {
        logger.warn("balancer sent a frame that cannot be read; ignoring it", { reason: read.reason });
        const id = leadingRequestIdOf(text);
        if (id !== null)
          this.send({
            Error: { request_id: id, error: { code: 400, description: `Invalid request: ${read.reason}` } },
          });
        return;
      }
      const json = read.value;
      const parsed = balancerToAgentMessageSchema.safeParse(json);
      if (!parsed.success) {
        const reason = formatZodError(parsed.error);
        logger.warn("balancer sent an invalid frame; ignoring it", { reason });
        // A request refused here still gets its answer, so the balancer frees its slot at once.
        const id = requestIdOf(json);
        if (id !== null)
          this.send({
            Error: { request_id: id, error: { code: 400, description: `Invalid request: ${reason}` } },
          });
        return;
      }
      const message = parsed.data;
      if ("Notification" in message && "Version" in message.Notification) {
        if (message.Notification.Version.version !== PADDLER_PROTOCOL_VERSION) {
          logger.warn("balancer speaks another protocol version", {
            version: message.Notification.Version.version,
          });
        }
        return;
      }
      this.#options.onMessage(message);
    });
    let opened = false;
    socket.once("open", () => {
      opened = true;
    });
    socket.on("close", (code, reason) => {
      if (!opened && !this.#closed && !this.#unreachableLogged) {
        this.#unreachableLogged = true;
        const retryMs = this.#options.reconnectDelayMs ?? 1000;
        logger.warn(
          `cannot reach the balancer at ${this.#options.url}; retrying every ${retryMs / 1000} s (is the balancer running, and is --management-addr its management address?)`,
          { url: this.#options.url, reason: lastError?.message },
        );
      }
      const wasRegistered = this.#registered;
      this.#registered = false;
      this.#socket = null;
      if (wasRegistered) {
        logger.warn("disconnected from the balancer", { code, reason: reason.toString() });
        this.#options.onDisconnected();
      }
      if (!this.#closed) {
        this.#reconnectTimer = setTimeout(() => this.#connect(), this.#options.reconnectDelayMs ?? 1000);
      }
    });
    let lastError: Error | undefined;
    socket.on("error", (error) => {
      lastError = error;
      logger.debug("balancer socket error", { error });
    });
  }

  /** Tells the balancer this agent is leaving; the socket stays open for running requests. */
  deregister(): void {
    this.#closed = true;
    if (this.#registered) this.send({ Notification: "DeregisterAgent" });
  }

  /** Deregisters (if not yet) and closes; no reconnect after this. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#statusTimer);
    this.#unsubscribe();
    if (this.#reconnectTimer) clearTimeout(this.#reconnectTimer);
    const socket = this.#socket;
    if (!socket) return;
    if (socket.readyState === WebSocket.OPEN && this.#registered)
      this.send({ Notification: "DeregisterAgent" });
    this.#outbox?.flush();
    await new Promise<void>((resolve) => {
      if (socket.readyState === WebSocket.CLOSED) return resolve();
      socket.once("close", () => resolve());
      socket.close(1000, "agent shutting down");
      setTimeout(() => {
        socket.terminate();
        resolve();
      }, 2000).unref();
    });
  }
}

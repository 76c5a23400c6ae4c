import {
  type AgentControllerSnapshot,
  type AgentRequest,
  type BalancerToAgentMessage,
  DEFAULT_MODEL_POOL,
  type ErrorEnvelope,
  type ResponseEnvelope,
  type SlotAggregatedStatusSnapshot,
} from "@paddler/protocol";
import { nanoid } from "nanoid";
import { AsyncQueue } from "../dispatch/async-queue.js";
import { AgentConnectionClosedError } from "../errors.js";

export type AgentReply =
  | { kind: "response"; envelope: ResponseEnvelope }
  | { kind: "error"; envelope: ErrorEnvelope };

export interface AgentRequestHandle {
  /** The id the agent sees; unique among this agent's requests in flight, so clients cannot collide. */
  readonly id: string;
  readonly replies: AsyncQueue<AgentReply>;
  /** Stops listening for this request's replies. */
  close(): void;
}

export interface AgentConnection {
  send(message: BalancerToAgentMessage): void;
  close(code: number, reason: string): void;
}

type StatusFields = Omit<SlotAggregatedStatusSnapshot, "version">;

/** One connected agent: its reported status and the requests in flight on its socket. */
export class AgentController {
  readonly id: string;
  readonly name: string | null;
  /** The pool it asked for with `--pool` (the default pool for Paddler's agents). */
  readonly requestedPool: string;
  /** The pool it serves now: the one it asked for unless the fleet settings moved it. */
  pool: string;
  #status: StatusFields;
  #version: number;
  readonly #connection: AgentConnection;
  readonly #requests = new Map<string, AsyncQueue<AgentReply>>();

  constructor(options: {
    id: string;
    name: string | null;
    snapshot: SlotAggregatedStatusSnapshot;
    connection: AgentConnection;
    requestedPool?: string;
    pool?: string;
  }) {
    this.id = options.id;
    this.name = options.name;
    this.requestedPool = options.requestedPool ?? DEFAULT_MODEL_POOL;
    this.pool = options.pool ?? this.requestedPool;
    const { version, ...status } = options.snapshot;
    this.#status = status;
    this.#version = version;
    this.#connection = options.connection;
  }

  #deregistered = false;

  /** Slots open to new requests: none once the agent has said it is leaving. */
  get slotsTotal(): number {
    return this.#deregistered ? 0 : this.#status.slots_total;
  }

  /** The agent is shutting down: it finishes what it runs but takes nothing new. */
  deregister(): void {
    this.#deregistered = true;
  }

  get inFlightRequests(): number {
    return this.#requests.size;
  }

  /** Applies a status update; stale versions are dropped, as in Paddler. Returns whether it applied. */
  updateStatus(snapshot: SlotAggregatedStatusSnapshot): boolean {
    if (snapshot.version < this.#version) return false;
    const { version, ...status } = snapshot;
    const changed = JSON.stringify(status) !== JSON.stringify(this.#status);
    this.#version = version;
    this.#status = status;
    return changed;
  }

  /** The agent as the management API shows it; slots_processing is the balancer's own count. */
  snapshot(slotsProcessing: number): AgentControllerSnapshot {
    return {
      ...this.#status,
      slots_processing: slotsProcessing,
      id: this.id,
      name: this.name,
      pool: this.pool,
    };
  }

  send(message: BalancerToAgentMessage): void {
    this.#connection.send(message);
  }

  /**
   * Sends a request to the agent under `preferredId` (so the client's request id shows in the
   * agent's logs) unless that id is already in flight here, in which case a suffix keeps it unique.
   */
  startRequest(request: AgentRequest, preferredId?: string): AgentRequestHandle {
    const id =
      preferredId === undefined
        ? nanoid()
        : this.#requests.has(preferredId)
          ? `${preferredId}.${nanoid(8)}`
          : preferredId;
    const replies = new AsyncQueue<AgentReply>();
    this.#requests.set(id, replies);
    this.#connection.send({ Request: { id, request } });
    return {
      id,
      replies,
      close: () => {
        this.#requests.delete(id);
        replies.close("closed");
      },
    };
  }

  stopRespondingTo(requestId: string): void {
    if (this.#requests.has(requestId))
      this.#connection.send({ Notification: { StopRespondingTo: requestId } });
  }

  deliver(reply: AgentReply): void {
    this.#requests.get(reply.envelope.request_id)?.push(reply);
  }

  /** The socket is gone: every request in flight learns it at once. */
  disconnected(): void {
    for (const replies of this.#requests.values()) replies.close(new AgentConnectionClosedError());
    this.#requests.clear();
  }

  close(code: number, reason: string): void {
    this.#connection.close(code, reason);
  }
}

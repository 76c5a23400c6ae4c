import {
  type AgentControllerSnapshot,
  type AgentDrainStatus,
  type AgentRequest,
  type AgentSlotsReport,
  type BalancerToAgentMessage,
  DEFAULT_MODEL_POOL,
  type ErrorEnvelope,
  type ResponseEnvelope,
  type SlotAggregatedStatusSnapshot,
  type TraceContext,
} from "@paddler/protocol";
import { nanoid } from "nanoid";
import type { SlotLease } from "../balancing/slot-pool.js";
import { AsyncQueue } from "../dispatch/async-queue.js";
import { AgentConnectionClosedError, AgentLostRequestError } from "../errors.js";
import { type LeaseDrift, type LeaseRecord, reconcileLeases } from "./reconcile-leases.js";

export type AgentReply =
  | { kind: "response"; envelope: ResponseEnvelope }
  | { kind: "error"; envelope: ErrorEnvelope };

export interface AgentRequestHandle {
  /** The id the agent sees; unique among this agent's requests in flight, so clients cannot collide. */
  readonly id: string;
  readonly replies: AsyncQueue<AgentReply>;
  /** Stops listening for this request's replies and releases its slot lease, if any. Idempotent. */
  close(): void;
}

interface InFlight extends LeaseRecord {
  readonly replies: AsyncQueue<AgentReply>;
  /** Null for the management RPCs, which hold no slot. */
  readonly lease: SlotLease | null;
}

export interface AgentConnection {
  send(message: BalancerToAgentMessage): void;
  close(code: number, reason: string): void;
  /** How many frames went out on the socket so far (the agent counts what it read likewise). */
  framesSent?(): number;
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
  readonly #requests = new Map<string, InFlight>();
  /** Leased requests only: what reconciliation compares with the agent's report. */
  readonly #leased = new Map<string, InFlight>();
  readonly #strays = new Map<string, number>();
  #reloadDrain: AgentDrainStatus | null = null;
  #reportsRunning = false;

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
  #drainedByOperator = false;
  readonly #connectedAt = Date.now();
  #lastStatusAt = this.#connectedAt;

  /** Slots open to new requests: none once the agent has said it is leaving, or an operator drained it. */
  get slotsTotal(): number {
    return this.#deregistered || this.#drainedByOperator ? 0 : this.#status.slots_total;
  }

  /** The ForwardHttp protocol version the agent's engine offers; 0 for none (the built-in engine). */
  get forwardHttpVersion(): number {
    return this.#status.engine?.forward_http_version ?? 0;
  }

  get drainedByOperator(): boolean {
    return this.#drainedByOperator;
  }

  /** An operator's drain: no new requests (running ones finish) until let back. */
  setDrainedByOperator(drained: boolean): void {
    this.#drainedByOperator = drained;
  }

  /** The agent is shutting down: it finishes what it runs but takes nothing new. */
  deregister(): void {
    this.#deregistered = true;
  }

  get inFlightRequests(): number {
    return this.#requests.size;
  }

  /** Whether the agent reports what it runs (our extension); Paddler's agents do not. */
  get reportsRunningRequests(): boolean {
    return this.#reportsRunning;
  }

  /** The agent's drain before a reload, as it last reported it. */
  get reloadDrain(): AgentDrainStatus | null {
    return this.#reloadDrain;
  }

  /** Applies a status update; stale versions are dropped, as in Paddler. Returns whether it applied. */
  updateStatus(snapshot: SlotAggregatedStatusSnapshot): boolean {
    if (snapshot.version < this.#version) return false;
    const { version, ...status } = snapshot;
    this.#lastStatusAt = Date.now();
    const changed = JSON.stringify(status) !== JSON.stringify(this.#status);
    this.#version = version;
    this.#status = status;
    return changed;
  }

  /** Requests the agent says it runs: every balancer's, where this balancer's own count knows only its own. */
  get reportedSlotsProcessing(): number {
    return this.#status.slots_processing;
  }

  /** The agent as the management API shows it; slots_processing is the balancer's own count. */
  snapshot(slotsProcessing: number): AgentControllerSnapshot {
    return {
      ...this.#status,
      slots_processing: slotsProcessing,
      id: this.id,
      name: this.name,
      pool: this.pool,
      connected_at: this.#connectedAt,
      last_status_at: this.#lastStatusAt,
      drained_by_operator: this.#drainedByOperator,
      // Only agents that report their slots (ours) say whether they drain.
      ...(this.#reportsRunning ? { reload_drain: this.#reloadDrain } : {}),
    };
  }

  send(message: BalancerToAgentMessage): void {
    this.#connection.send(message);
  }

  /**
   * Sends a request to the agent under `preferredId` (so the client's request id shows in the
   * agent's logs) unless that id is already in flight here, in which case a suffix keeps it unique.
   * The lease, when given, belongs to the request from now on: `close()` releases it, and so does
   * reconciliation when the agent says it does not run the request.
   */
  startRequest(
    request: AgentRequest,
    preferredId?: string,
    options: { lease?: SlotLease; now?: number; traceContext?: TraceContext | undefined } = {},
  ): AgentRequestHandle {
    const id =
      preferredId === undefined
        ? nanoid()
        : this.#requests.has(preferredId)
          ? `${preferredId}.${nanoid(8)}`
          : preferredId;
    const replies = new AsyncQueue<AgentReply>();
    const entry: InFlight = {
      replies,
      lease: options.lease ?? null,
      sentAt: options.now ?? Date.now(),
      missingSince: null,
    };
    this.#requests.set(id, entry);
    if (entry.lease) this.#leased.set(id, entry);
    // Only with tracing on: agents older than the trace_context extension refuse the field.
    this.#connection.send(
      options.traceContext
        ? { Request: { id, request, trace_context: options.traceContext } }
        : { Request: { id, request } },
    );
    entry.frame = this.#connection.framesSent?.();
    return { id, replies, close: () => this.#forget(id, entry, "closed") };
  }

  #forget(id: string, entry: InFlight, reason: unknown): void {
    if (this.#requests.get(id) === entry) this.#requests.delete(id);
    if (this.#leased.get(id) === entry) this.#leased.delete(id);
    entry.replies.close(reason);
    entry.lease?.release();
  }

  stopRespondingTo(requestId: string): void {
    if (this.#requests.has(requestId))
      this.#connection.send({ Notification: { StopRespondingTo: requestId } });
  }

  /**
   * Heals drift against the agent's own report of what it runs: releases leases the agent does not
   * know of (their waiting readers get a 502) and stops requests nobody here waits for. Returns
   * what it healed.
   */
  reconcile(report: AgentSlotsReport, now: number, graceMs: number): LeaseDrift {
    this.#reportsRunning = true;
    this.#reloadDrain = report.drain;
    const drift = reconcileLeases({
      leases: this.#leased,
      strays: this.#strays,
      runningOnAgent: report.running_request_ids,
      framesReceived: report.frames_received,
      now,
      graceMs,
    });
    for (const id of drift.release) {
      const entry = this.#leased.get(id);
      if (entry) this.#forget(id, entry, new AgentLostRequestError());
    }
    for (const id of drift.cancelOnAgent) this.#connection.send({ Notification: { StopRespondingTo: id } });
    return drift;
  }

  deliver(reply: AgentReply): void {
    this.#requests.get(reply.envelope.request_id)?.replies.push(reply);
  }

  /** The socket is gone: every request in flight learns it at once, and its slot is free. */
  disconnected(): void {
    for (const [id, entry] of [...this.#requests]) this.#forget(id, entry, new AgentConnectionClosedError());
  }

  close(code: number, reason: string): void {
    this.#connection.close(code, reason);
  }
}

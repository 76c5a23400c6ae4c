import {
  type BalancerError,
  BufferOverflowError,
  RequestAbortedError,
  ShuttingDownError,
  SlotWaitTimeoutError,
} from "../errors.js";
import type { AgentOutcome, CircuitBreaker } from "./circuit-breaker.js";
import type { AgentSlotCounts } from "./pick-least-busy-agent.js";
import type { AgentPicker, DispatchHint } from "./policies/agent-picker.js";
import { leastBusyPicker } from "./policies/least-busy-picker.js";

/** A claimed slot on one agent. Release is idempotent. */
export interface SlotLease {
  readonly agentId: string;
  release(): void;
}

interface Waiter {
  hint: DispatchHint;
  resolve(lease: SlotLease): void;
  reject(error: Error): void;
  cleanup(): void;
  /** When it joined the buffer (the pool's clock), for the autoscaling signal. */
  since: number;
}

interface AgentSlots {
  id: string;
  slotsProcessing: number;
  slotsTotal: number;
  /** Slots the agent runs for other balancers (its report less this balancer's requests). */
  foreignBusy: number;
}

/** A pool's own buffer limits; what is left out falls back to the options' values. */
export interface BufferLimits {
  maxBufferedRequests?: number | undefined;
  bufferedRequestTimeoutMs?: number | undefined;
}

export interface SlotPoolOptions {
  maxBufferedRequests: number;
  bufferedRequestTimeoutMs: number;
  /** The pool's stored overrides, asked when a request is buffered (they can change at run time). */
  limits?: () => BufferLimits;
  /** Called after any change to slot counts or the buffer, for live views and metrics. */
  onChange?: () => void;
  /** Leaves agents whose requests keep failing out of dispatch for a while. */
  circuitBreaker?: CircuitBreaker;
  /** The pool's policy, asked on every lease (it can change at run time); least busy by default. */
  picker?: () => AgentPicker;
  now?: () => number;
}

/**
 * The one place that knows which slots are busy. The balancer counts its own busy slots per agent
 * (it ignores the agent's report, as Paddler does), hands out leases to the least busy agent, and
 * keeps waiting requests in a first-come, first-served buffer.
 */
export class SlotPool {
  readonly #agents = new Map<string, AgentSlots>();
  readonly #waiters: Waiter[] = [];
  readonly #options: SlotPoolOptions;
  readonly #now: () => number;
  readonly #wakeTimers = new Set<NodeJS.Timeout>();
  #shuttingDown = false;

  constructor(options: SlotPoolOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  /** Slots held by running requests across all agents. */
  get busySlots(): number {
    let busy = 0;
    for (const agent of this.#agents.values()) busy += agent.slotsProcessing;
    return busy;
  }

  get bufferedCount(): number {
    return this.#waiters.length;
  }

  /** How long the longest-waiting buffered request has waited, in ms; 0 with an empty buffer. */
  oldestBufferedWaitMs(): number {
    const oldest = this.#waiters[0];
    return oldest === undefined ? 0 : Math.max(0, this.#now() - oldest.since);
  }

  get maxBufferedRequests(): number {
    return this.#options.limits?.().maxBufferedRequests ?? this.#options.maxBufferedRequests;
  }

  get bufferedRequestTimeoutMs(): number {
    return this.#options.limits?.().bufferedRequestTimeoutMs ?? this.#options.bufferedRequestTimeoutMs;
  }

  agentCounts(): AgentSlotCounts[] {
    return [...this.#agents.values()].map((agent) => ({ ...agent }));
  }

  slotsProcessing(agentId: string): number {
    return this.#agents.get(agentId)?.slotsProcessing ?? 0;
  }

  /** Adds an agent or updates how many slots it has ready. */
  setAgentSlots(agentId: string, slotsTotal: number): void {
    const agent = this.#agents.get(agentId);
    if (agent) {
      if (agent.slotsTotal === slotsTotal) return;
      agent.slotsTotal = slotsTotal;
    } else {
      this.#agents.set(agentId, { id: agentId, slotsProcessing: 0, slotsTotal, foreignBusy: 0 });
    }
    this.#changed();
  }

  /**
   * Slots the agent runs for other balancers sharing it. Dispatch sees only what is left, so it
   * prefers agents with truly free slots and leaves a full one alone until its next report.
   */
  setForeignBusy(agentId: string, foreignBusy: number): void {
    const agent = this.#agents.get(agentId);
    if (!agent || agent.foreignBusy === foreignBusy) return;
    agent.foreignBusy = foreignBusy;
    this.#changed();
  }

  /** The agent refused a request with every slot taken: none is free until it reports otherwise. */
  markFull(agentId: string): void {
    const agent = this.#agents.get(agentId);
    if (agent)
      this.setForeignBusy(agentId, Math.max(agent.foreignBusy, agent.slotsTotal - agent.slotsProcessing));
  }

  removeAgent(agentId: string): void {
    if (this.#agents.delete(agentId)) this.#changed();
  }

  /** A free slot now, or a place in the buffer until one frees up. */
  acquire(signal?: AbortSignal, hint: DispatchHint = {}): Promise<SlotLease> {
    if (signal?.aborted) return Promise.reject(new RequestAbortedError("request aborted"));
    if (this.#shuttingDown) return Promise.reject(new ShuttingDownError());
    // Waiting requests go first: a newcomer only takes a slot directly when nobody is queued.
    if (this.#waiters.length === 0) {
      const lease = this.#tryLease(hint);
      if (lease) return Promise.resolve(lease);
    }
    if (this.#waiters.length >= this.maxBufferedRequests) {
      return Promise.reject(new BufferOverflowError());
    }
    return new Promise<SlotLease>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#removeWaiter(waiter);
        reject(new SlotWaitTimeoutError());
      }, this.bufferedRequestTimeoutMs);
      const onAbort = () => {
        this.#removeWaiter(waiter);
        reject(new RequestAbortedError("request aborted while buffered"));
      };
      const waiter: Waiter = {
        hint,
        since: this.#now(),
        resolve,
        reject,
        cleanup: () => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
        },
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(waiter);
      this.#changed();
    });
  }

  /**
   * Records how a request on an agent ended, for the circuit breaker. When that leaves the agent
   * out, the pool looks again once its cool-down is over, so waiting requests can take it.
   */
  reportOutcome(agentId: string, outcome: AgentOutcome): void {
    this.#wakeAt(this.#options.circuitBreaker?.record(agentId, outcome, this.#now()));
  }

  /** Looks at the waiting requests again at `at` (when an agent the breaker left out may be tried). */
  #wakeAt(at: number | null | undefined): void {
    if (at === null || at === undefined) return;
    const timer = setTimeout(
      () => {
        this.#wakeTimers.delete(timer);
        this.#changed();
      },
      Math.max(0, at - this.#now()),
    );
    timer.unref();
    this.#wakeTimers.add(timer);
  }

  /** No new leases from now on: every waiting and later request gets Paddler's 503 "balancer is shutting down". */
  shutDown(): void {
    this.#shuttingDown = true;
    for (const timer of this.#wakeTimers) clearTimeout(timer);
    this.#wakeTimers.clear();
    this.rejectAllWaiters(new ShuttingDownError());
  }

  /** Fails every waiting request at once, e.g. with Paddler's 503 "balancer is shutting down". */
  rejectAllWaiters(error: BalancerError): void {
    const waiters = this.#waiters.splice(0);
    for (const waiter of waiters) {
      waiter.cleanup();
      waiter.reject(error);
    }
    if (waiters.length > 0) this.#changed();
  }

  #tryLease(hint: DispatchHint): SlotLease | null {
    if (this.#shuttingDown) return null;
    const breaker = this.#options.circuitBreaker;
    const now = this.#now();
    // Pickers see the slots this balancer may use: the agent's, less what other balancers run there.
    const candidates = [...this.#agents.values()]
      .filter((agent) => !breaker || breaker.allows(agent.id, now))
      .map((agent) => ({
        id: agent.id,
        slotsProcessing: agent.slotsProcessing,
        slotsTotal: Math.max(0, agent.slotsTotal - agent.foreignBusy),
      }));
    const picker = this.#options.picker?.() ?? leastBusyPicker;
    const agentId = picker.pick(candidates, hint);
    if (agentId === null) return null;
    const agent = this.#agents.get(agentId);
    // A policy that names a full or unknown agent gets nothing: slots are never overbooked.
    if (!agent || agent.slotsProcessing >= agent.slotsTotal - agent.foreignBusy) return null;
    // A trial whose client goes away never reports an outcome; when it stops blocking, the
    // waiting requests must be looked at again, or they would wait for an unrelated change.
    this.#wakeAt(breaker?.dispatched(agentId, now));
    picker.leased?.(agentId, hint);
    agent.slotsProcessing += 1;
    let released = false;
    this.#changed();
    return {
      agentId,
      release: () => {
        if (released) return;
        released = true;
        const current = this.#agents.get(agentId);
        // A removed agent took its counts with it; a re-registered one starts from zero.
        if (current === agent) agent.slotsProcessing -= 1;
        this.#changed();
      },
    };
  }

  #removeWaiter(waiter: Waiter): void {
    const index = this.#waiters.indexOf(waiter);
    if (index >= 0) this.#waiters.splice(index, 1);
    waiter.cleanup();
    this.#changed();
  }

  #draining = false;

  #changed(): void {
    // Hand freed slots to waiters in arrival order; guard against re-entry from onChange.
    if (!this.#draining) {
      this.#draining = true;
      try {
        while (this.#waiters.length > 0) {
          const next = this.#waiters[0];
          const lease = next ? this.#tryLease(next.hint) : null;
          if (!lease) break;
          const waiter = this.#waiters.shift();
          if (!waiter) {
            lease.release();
            break;
          }
          waiter.cleanup();
          waiter.resolve(lease);
        }
      } finally {
        this.#draining = false;
      }
    }
    this.#options.onChange?.();
  }
}

import type { Logger } from "@paddler/logger";
import {
  type AgentControllerSnapshot,
  type AgentDesiredState,
  type AgentSlotsReport,
  DEFAULT_MODEL_POOL,
  type ModelPoolName,
} from "@paddler/protocol";
import type { SlotPools } from "../balancing/slot-pools.js";
import type { AgentController } from "./agent-controller.js";

/** The two ways the balancer's leases and an agent's running requests drift apart, as metric labels. */
export type DriftKind = "lease_released" | "agent_request_cancelled";

export interface AgentRegistryOptions {
  logger?: Logger;
  /** How long a lease and the agent's report may disagree before it counts as drift. */
  driftGraceMs?: number;
  /** Counts healed drift (a metric). */
  onDriftHealed?: (kind: DriftKind, count: number) => void;
  now?: () => number;
}

/** Reports come every second; three of them cover a request in flight and a stop on its way. */
export const DEFAULT_DRIFT_GRACE_MS = 3000;

/** Connected agents by id, kept in step with their pool's slots; notifies listeners on every change. */
export class AgentRegistry {
  readonly #agents = new Map<string, AgentController>();
  readonly #listeners = new Set<() => void>();
  readonly #operatorActionListeners = new Set<() => void>();
  readonly #drained = new Set<string>();
  readonly #slots: SlotPools;
  readonly #options: AgentRegistryOptions;

  constructor(slots: SlotPools, options: AgentRegistryOptions = {}) {
    this.#slots = slots;
    this.#options = options;
  }

  has(agentId: string): boolean {
    return this.#agents.has(agentId);
  }

  get(agentId: string): AgentController | undefined {
    return this.#agents.get(agentId);
  }

  get size(): number {
    return this.#agents.size;
  }

  all(): AgentController[] {
    return [...this.#agents.values()];
  }

  /** Whether some agent, in any pool, satisfies `test` (no array or snapshot built). */
  some(test: (agent: AgentController) => boolean): boolean {
    for (const agent of this.#agents.values()) if (test(agent)) return true;
    return false;
  }

  /** The agents serving one pool. */
  inPool(pool: ModelPoolName): AgentController[] {
    return this.all().filter((agent) => agent.pool === pool);
  }

  /** Adds an agent to the pool it was placed in (`agent.pool`) and sends it that pool's state. */
  add(agent: AgentController, desiredState: AgentDesiredState | null): void {
    this.#agents.set(agent.id, agent);
    // An operator's drain outlives a reconnect (the agent keeps its id).
    if (this.#drained.has(agent.id)) agent.setDrainedByOperator(true);
    if (desiredState) agent.send({ Notification: { SetState: { desired_state: desiredState } } });
    this.#slots.setAgentSlots(agent.id, agent.pool, agent.slotsTotal);
    this.changed();
  }

  /**
   * Moves an agent to another pool: it takes no new requests for the old pool at once (running ones
   * finish there), and is told the new pool's state, which it loads like any state change.
   */
  move(agent: AgentController, pool: ModelPoolName, desiredState: AgentDesiredState | null): void {
    if (agent.pool === pool || this.#agents.get(agent.id) !== agent) return;
    agent.pool = pool;
    if (desiredState) agent.send({ Notification: { SetState: { desired_state: desiredState } } });
    this.#slots.setAgentSlots(agent.id, pool, agent.slotsTotal);
    this.changed();
  }

  remove(agent: AgentController): void {
    if (this.#agents.get(agent.id) !== agent) return;
    this.#agents.delete(agent.id);
    // Leaving with requests still running is a failure of the agent (a crash, a network cut).
    if (agent.inFlightRequests > 0) this.#slots.reportOutcome(agent.id, "failure");
    agent.disconnected();
    this.#slots.removeAgent(agent.id);
    this.changed();
  }

  /**
   * An operator drains an agent (it gets no new requests; running ones finish) or lets it back.
   * Returns false for an unknown agent.
   */
  setDrained(agentId: string, drained: boolean): boolean {
    const agent = this.#agents.get(agentId);
    if (!agent) return false;
    this.#operatorAction();
    if (drained) this.#drained.add(agentId);
    else this.#drained.delete(agentId);
    agent.setDrainedByOperator(drained);
    this.statusChanged(agent);
    this.#operatorAction();
    return true;
  }

  /** Call after an agent's status changed. */
  statusChanged(agent: AgentController): void {
    this.#slots.setAgentSlots(agent.id, agent.pool, agent.slotsTotal);
    this.changed();
  }

  /**
   * The agent said which requests it runs: heal what disagrees with the balancer's leases (see
   * AgentController.reconcile), count it, and log it once with the request ids.
   */
  reconcile(agent: AgentController, report: AgentSlotsReport): void {
    const drainBefore = agent.reloadDrain;
    const { now = Date.now, driftGraceMs = DEFAULT_DRIFT_GRACE_MS, logger, onDriftHealed } = this.#options;
    const drift = agent.reconcile(report, now(), driftGraceMs);
    // The agent's count covers every balancer it serves; its list, only this one's requests.
    this.#slots.setForeignBusy(
      agent.id,
      Math.max(0, agent.reportedSlotsProcessing - report.running_request_ids.length),
    );
    if (drainBefore === null && report.drain !== null) {
      logger?.info("agent drains before a reload", { agentId: agent.id, ...report.drain });
    }
    // Live views (the panel's SSE) show the drain as it starts, progresses and ends.
    if (JSON.stringify(drainBefore) !== JSON.stringify(report.drain)) this.changed();
    if (drift.release.length > 0) {
      onDriftHealed?.("lease_released", drift.release.length);
      logger?.warn("released leases the agent does not run (slot drift healed)", {
        agentId: agent.id,
        requestIds: drift.release,
      });
    }
    if (drift.cancelOnAgent.length > 0) {
      onDriftHealed?.("agent_request_cancelled", drift.cancelOnAgent.length);
      logger?.warn("stopped requests the agent runs for nobody (slot drift healed)", {
        agentId: agent.id,
        requestIds: drift.cancelOnAgent,
      });
    }
  }

  /** Sends a pool's new state to that pool's agents only. */
  broadcastDesiredState(desiredState: AgentDesiredState, pool: ModelPoolName = DEFAULT_MODEL_POOL): void {
    for (const agent of this.#agents.values()) {
      if (agent.pool === pool) agent.send({ Notification: { SetState: { desired_state: desiredState } } });
    }
  }

  /** Agents as the management API shows them, optionally of one pool. */
  snapshots(pool?: ModelPoolName): AgentControllerSnapshot[] {
    return (pool === undefined ? this.all() : this.inPool(pool)).map((agent) =>
      agent.snapshot(this.#slots.slotsProcessing(agent.id)),
    );
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Called just before and just after each operator action (a drain, a let back), so a listener
   * that samples the registry (the timeline, every 50 ms at most) sees the state the action changed
   * and the state it made: two actions within one sample, or one right after an agent joined, are
   * not lost.
   */
  subscribeToOperatorActions(listener: () => void): () => void {
    this.#operatorActionListeners.add(listener);
    return () => this.#operatorActionListeners.delete(listener);
  }

  #operatorAction(): void {
    for (const listener of this.#operatorActionListeners) listener();
  }

  changed(): void {
    for (const listener of this.#listeners) listener();
  }
}

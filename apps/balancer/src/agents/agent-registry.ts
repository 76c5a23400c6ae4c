import type { AgentControllerSnapshot, AgentDesiredState } from "@paddler/protocol";
import type { SlotPool } from "../balancing/slot-pool.js";
import type { AgentController } from "./agent-controller.js";

/** Connected agents by id, kept in step with the slot pool; notifies listeners on every change. */
export class AgentRegistry {
  readonly #agents = new Map<string, AgentController>();
  readonly #listeners = new Set<() => void>();
  readonly #pool: SlotPool;

  constructor(pool: SlotPool) {
    this.#pool = pool;
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

  add(agent: AgentController, desiredState: AgentDesiredState | null): void {
    this.#agents.set(agent.id, agent);
    if (desiredState) agent.send({ Notification: { SetState: { desired_state: desiredState } } });
    this.#pool.setAgentSlots(agent.id, agent.slotsTotal);
    this.changed();
  }

  remove(agent: AgentController): void {
    if (this.#agents.get(agent.id) !== agent) return;
    this.#agents.delete(agent.id);
    // Leaving with requests still running is a failure of the agent (a crash, a network cut).
    if (agent.inFlightRequests > 0) this.#pool.reportOutcome(agent.id, "failure");
    agent.disconnected();
    this.#pool.removeAgent(agent.id);
    this.changed();
  }

  /** Call after an agent's status changed. */
  statusChanged(agent: AgentController): void {
    this.#pool.setAgentSlots(agent.id, agent.slotsTotal);
    this.changed();
  }

  broadcastDesiredState(desiredState: AgentDesiredState): void {
    for (const agent of this.#agents.values()) {
      agent.send({ Notification: { SetState: { desired_state: desiredState } } });
    }
  }

  snapshots(): AgentControllerSnapshot[] {
    return this.all().map((agent) => agent.snapshot(this.#pool.slotsProcessing(agent.id)));
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  changed(): void {
    for (const listener of this.#listeners) listener();
  }
}

import type { AgentDrainStatus, AgentSlotsReport, SlotAggregatedStatusSnapshot } from "@paddler/protocol";

type StatusFields = Omit<SlotAggregatedStatusSnapshot, "version">;

/**
 * The agent's own view of itself. Every change bumps `version` once and notifies, so the balancer
 * can drop stale updates; the connection also re-sends the snapshot every second.
 */
export class AgentStatus {
  #fields: StatusFields;
  #version = 0;
  #runningRequestIds: readonly string[] = [];
  #drain: AgentDrainStatus | null = null;
  readonly #listeners = new Set<() => void>();

  constructor(desiredSlotsTotal: number) {
    this.#fields = {
      desired_slots_total: desiredSlotsTotal,
      slots_processing: 0,
      slots_total: 0,
      model_path: null,
      download_current: 0,
      download_total: 0,
      download_filename: null,
      download_indeterminate: false,
      issues: [],
      uses_chat_template_override: false,
      state_application_status: "Fresh",
    };
  }

  snapshot(): SlotAggregatedStatusSnapshot {
    return { ...this.#fields, issues: [...this.#fields.issues], version: this.#version };
  }

  get fields(): Readonly<StatusFields> {
    return this.#fields;
  }

  update(change: Partial<StatusFields>): void {
    const next = { ...this.#fields, ...change };
    if (JSON.stringify(next) === JSON.stringify(this.#fields)) return;
    this.#fields = next;
    this.#version++;
    for (const listener of this.#listeners) listener();
  }

  /** What the agent runs and whether it drains: our `agent_slots` extension of UpdateAgentStatus. */
  slotsReport(): AgentSlotsReport {
    return { running_request_ids: [...this.#runningRequestIds], drain: this.#drain };
  }

  /**
   * Records which requests run without an immediate report: the balancer's leases reconcile
   * against this list with a grace of a few reports, so it rides on the next periodic update
   * instead of costing a frame for every request that starts or ends.
   */
  setRunningRequests(requestIds: readonly string[]): void {
    this.#runningRequestIds = requestIds;
    if (this.#fields.slots_processing === requestIds.length) return;
    this.#fields = { ...this.#fields, slots_processing: requestIds.length };
    this.#version++;
  }

  /** A drain starts, progresses or ends: reported at once, so the balancer sees it. */
  setDrain(drain: AgentDrainStatus | null): void {
    if (JSON.stringify(drain) === JSON.stringify(this.#drain)) return;
    this.#drain = drain;
    this.#version++;
    for (const listener of this.#listeners) listener();
  }

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

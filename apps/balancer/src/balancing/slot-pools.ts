import { DEFAULT_MODEL_POOL, type ModelPoolName } from "@paddler/protocol";
import type { AgentOutcome } from "./circuit-breaker.js";
import type { AgentSlotCounts } from "./pick-least-busy-agent.js";
import type { DispatchHint } from "./policies/agent-picker.js";
import type { SlotLease, SlotPool } from "./slot-pool.js";

/** Where a request goes: a pool, and what its policy may use to pick an agent there. */
export interface DispatchTarget {
  pool?: ModelPoolName | undefined;
  hint?: DispatchHint | undefined;
}

/**
 * One `SlotPool` per model pool, created on first use: each has its own agents, buffer, buffer
 * timeout and circuit breaker, so a request for a pool with no agent waits in that pool's buffer
 * and leaves the others alone. An agent belongs to one pool at a time.
 */
export class SlotPools {
  readonly #pools = new Map<ModelPoolName, SlotPool>();
  readonly #agentPool = new Map<string, ModelPoolName>();
  readonly #create: (pool: ModelPoolName) => SlotPool;
  #shuttingDown = false;

  constructor(create: (pool: ModelPoolName) => SlotPool) {
    this.#create = create;
  }

  /** The pool's slots, created empty on first use. */
  pool(name: ModelPoolName): SlotPool {
    let pool = this.#pools.get(name);
    if (!pool) {
      pool = this.#create(name);
      if (this.#shuttingDown) pool.shutDown();
      this.#pools.set(name, pool);
    }
    return pool;
  }

  /** Pools that have slots state now, by name. */
  entries(): [ModelPoolName, SlotPool][] {
    return [...this.#pools.entries()];
  }

  /** Forgets a pool's slots; its waiting requests get `error`. For a pool with no agents only. */
  dropPool(name: ModelPoolName, reject: (pool: SlotPool) => void): void {
    const pool = this.#pools.get(name);
    if (!pool) return;
    reject(pool);
    this.#pools.delete(name);
  }

  poolOf(agentId: string): ModelPoolName | undefined {
    return this.#agentPool.get(agentId);
  }

  acquire(signal: AbortSignal | undefined, target: DispatchTarget = {}): Promise<SlotLease> {
    return this.pool(target.pool ?? DEFAULT_MODEL_POOL).acquire(signal, target.hint);
  }

  /** Adds an agent to a pool or updates its slots; moving it from another pool drops it there first. */
  setAgentSlots(agentId: string, pool: ModelPoolName, slotsTotal: number): void {
    const previous = this.#agentPool.get(agentId);
    if (previous !== undefined && previous !== pool) this.#pools.get(previous)?.removeAgent(agentId);
    this.#agentPool.set(agentId, pool);
    this.pool(pool).setAgentSlots(agentId, slotsTotal);
  }

  removeAgent(agentId: string): void {
    const pool = this.#agentPool.get(agentId);
    if (pool === undefined) return;
    this.#agentPool.delete(agentId);
    this.#pools.get(pool)?.removeAgent(agentId);
  }

  setForeignBusy(agentId: string, foreignBusy: number): void {
    const pool = this.#agentPool.get(agentId);
    if (pool !== undefined) this.#pools.get(pool)?.setForeignBusy(agentId, foreignBusy);
  }

  markFull(agentId: string): void {
    const pool = this.#agentPool.get(agentId);
    if (pool !== undefined) this.#pools.get(pool)?.markFull(agentId);
  }

  reportOutcome(agentId: string, outcome: AgentOutcome): void {
    const pool = this.#agentPool.get(agentId);
    if (pool !== undefined) this.#pools.get(pool)?.reportOutcome(agentId, outcome);
  }

  slotsProcessing(agentId: string): number {
    const pool = this.#agentPool.get(agentId);
    return pool === undefined ? 0 : (this.#pools.get(pool)?.slotsProcessing(agentId) ?? 0);
  }

  get busySlots(): number {
    let busy = 0;
    for (const pool of this.#pools.values()) busy += pool.busySlots;
    return busy;
  }

  get bufferedCount(): number {
    let buffered = 0;
    for (const pool of this.#pools.values()) buffered += pool.bufferedCount;
    return buffered;
  }

  agentCounts(): AgentSlotCounts[] {
    return [...this.#pools.values()].flatMap((pool) => pool.agentCounts());
  }

  shutDown(): void {
    this.#shuttingDown = true;
    for (const pool of this.#pools.values()) pool.shutDown();
  }
}

import {
  type AgentDesiredState,
  type BalancerDesiredState,
  DEFAULT_MODEL_POOL,
  type FleetSettings,
  IMPLICIT_POOL_POLICY,
  type ModelPoolName,
  type ModelPoolSummary,
  NEW_POOL_POLICY,
  type PoolPolicy,
} from "@paddler/protocol";
import type { StateDatabase, StateDatabaseChange } from "@paddler/state-db";
import type { AgentController } from "../agents/agent-controller.js";
import type { AgentRegistry } from "../agents/agent-registry.js";
import type { BufferLimits } from "../balancing/slot-pool.js";
import type { SlotPools } from "../balancing/slot-pools.js";
import { ClusterState } from "../cluster/cluster-state.js";
import { InvalidRequestError, PoolConflictError, UnknownModelPoolError } from "../errors.js";
import { modelId } from "../openai/model-id.js";
import { type ModelMatch, resolveModelPool } from "./resolve-model-pool.js";

export interface FleetDeps {
  database: StateDatabase;
  registry: AgentRegistry;
  slots: SlotPools;
}

/**
 * Every model pool of the fleet: each stored pool's `ClusterState`, the fleet settings (routing,
 * policies, agent moves), and where each agent belongs. Writes go to the state database first,
 * then take effect, so what runs is what a restart would load.
 */
export class Fleet {
  readonly #deps: FleetDeps;
  readonly #clusters = new Map<ModelPoolName, ClusterState>();
  #settings: FleetSettings;
  #writes: Promise<void> = Promise.resolve();

  private constructor(deps: FleetDeps, settings: FleetSettings) {
    this.#deps = deps;
    this.#settings = settings;
  }

  static async load(deps: FleetDeps): Promise<Fleet> {
    const fleet = new Fleet(deps, await deps.database.readFleetSettings());
    for (const pool of await deps.database.listModelPools()) {
      fleet.#clusters.set(pool, await ClusterState.load(fleet.#storeFor(pool), deps.registry, pool));
    }
    return fleet;
  }

  #storeFor(pool: ModelPoolName) {
    const { database } = this.#deps;
    return {
      read: () => database.readBalancerDesiredState(pool),
      store: (state: BalancerDesiredState) => database.storeBalancerDesiredState(state, pool),
    };
  }

  /** Paddler's single desired state. */
  get default(): ClusterState {
    const cluster = this.#clusters.get(DEFAULT_MODEL_POOL);
    if (!cluster) throw new Error("the default pool is always loaded");
    return cluster;
  }

  get settings(): FleetSettings {
    return this.#settings;
  }

  cluster(pool: ModelPoolName): ClusterState | undefined {
    return this.#clusters.get(pool);
  }

  /** The pool's state, or a 404 naming the pools there are. */
  require(pool: ModelPoolName): ClusterState {
    const cluster = this.#clusters.get(pool);
    if (!cluster) throw new UnknownModelPoolError(pool, this.storedPools());
    return cluster;
  }

  /** Pools with a stored desired state, the default first. */
  storedPools(): ModelPoolName[] {
    return [...this.#clusters.keys()];
  }

  /** Stored pools, then pools that only agents named (with `--pool`), by name. */
  allPools(): ModelPoolName[] {
    const agentPools = this.#deps.registry.all().map((agent) => agent.pool);
    const extra = [...new Set(agentPools)].filter((pool) => !this.#clusters.has(pool)).sort();
    return [...this.storedPools(), ...extra];
  }

  policyOf(pool: ModelPoolName): PoolPolicy {
    return this.#settings.pool_policies[pool] ?? IMPLICIT_POOL_POLICY;
  }

  /** The pool's stored buffer limits (what is unset there is the balancer's flag). */
  limitsOf(pool: ModelPoolName): BufferLimits {
    const limits = this.#settings.pool_limits[pool];
    return {
      maxBufferedRequests: limits?.max_buffered_requests,
      bufferedRequestTimeoutMs: limits?.buffered_request_timeout_ms,
    };
  }

  /** Which pool serves an OpenAI/Anthropic `model` name, or null. */
  resolveModel(model: string): ModelMatch | null {
    const pools = new Map(
      [...this.#clusters].map(([pool, cluster]) => [pool, modelId(cluster.desired.model)]),
    );
    return resolveModelPool(model, this.#settings, pools);
  }

  /** Model names routed to a pool by alias. */
  aliasesOf(pool: ModelPoolName): string[] {
    return Object.entries(this.#settings.aliases)
      .filter(([, target]) => target === pool)
      .map(([alias]) => alias)
      .sort();
  }

  /** Where a joining agent goes, and the state it is told to apply there (null: none stored yet). */
  placement(agent: { name: string | null; requestedPool: ModelPoolName }): {
    pool: ModelPoolName;
    desiredState: AgentDesiredState | null;
  } {
    const moved = agent.name === null ? undefined : this.#settings.agent_pools[agent.name];
    const pool = moved ?? agent.requestedPool;
    return { pool, desiredState: this.#clusters.get(pool)?.applicable ?? null };
  }

  #serial<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#writes.then(work);
    this.#writes = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Stores a pool's desired state; creating a pool gives it `NEW_POOL_POLICY` unless one is set. */
  setDesired(pool: ModelPoolName, state: BalancerDesiredState): Promise<{ created: boolean }> {
    return this.#serial(async () => {
      const existing = this.#clusters.get(pool);
      if (existing) {
        await existing.setDesired(state);
        return { created: false };
      }
      await this.#deps.database.storeBalancerDesiredState(state, pool);
      const cluster = new ClusterState(this.#storeFor(pool), this.#deps.registry, state, pool);
      this.#clusters.set(pool, cluster);
      if (this.#settings.pool_policies[pool] === undefined) {
        await this.#storeSettings({
          ...this.#settings,
          pool_policies: { ...this.#settings.pool_policies, [pool]: NEW_POOL_POLICY },
        });
      }
      this.#deps.registry.broadcastDesiredState(cluster.applicable, pool);
      this.#deps.registry.changed();
      return { created: true };
    });
  }

  /**
   * Deletes a pool. Refused (409) while agents serve it or requests run or wait in it, and while an
   * alias, rule or the fallback names it, so nothing is cut off or left pointing nowhere; its policy
   * and limits entries go with it.
   */
  deletePool(pool: ModelPoolName): Promise<void> {
    return this.#serial(async () => {
      if (pool === DEFAULT_MODEL_POOL)
        throw new PoolConflictError(
          `The pool '${DEFAULT_MODEL_POOL}' is Paddler's desired state and cannot be deleted`,
        );
      this.require(pool);
      const agents = this.#deps.registry.inPool(pool);
      if (agents.length > 0)
        throw new PoolConflictError(
          `Pool '${pool}' is served by ${agents.length} agent(s) (${agents.map((agent) => agent.name ?? agent.id).join(", ")}); stop them or move them to another pool first`,
        );
      const slots = this.#deps.slots.pool(pool);
      if (slots.busySlots > 0 || slots.bufferedCount > 0)
        throw new PoolConflictError(
          `Pool '${pool}' has requests running or buffered; try again once they finish`,
        );
      const references = referencesTo(pool, this.#settings);
      if (references.length > 0)
        throw new PoolConflictError(
          `Pool '${pool}' is still named by ${references.join(", ")}; change those first`,
        );
      await this.#deps.database.deleteModelPool(pool);
      this.#clusters.delete(pool);
      const { [pool]: _dropped, ...pool_policies } = this.#settings.pool_policies;
      const { [pool]: _droppedLimits, ...pool_limits } = this.#settings.pool_limits;
      if (_dropped !== undefined || _droppedLimits !== undefined)
        await this.#storeSettings({ ...this.#settings, pool_policies, pool_limits });
      this.#deps.registry.changed();
    });
  }

  /**
   * Replaces the fleet settings. Every alias, rule and fallback must name a stored pool (a 400
   * naming the field otherwise); agents named in `agent_pools` move at once.
   */
  setSettings(settings: FleetSettings): Promise<void> {
    return this.#serial(async () => {
      const problems = danglingReferences(settings, new Set(this.#clusters.keys()));
      if (problems.length > 0) throw new InvalidRequestError(problems);
      await this.#storeSettings(settings);
    });
  }

  async #storeSettings(settings: FleetSettings): Promise<void> {
    await this.#deps.database.storeFleetSettings(settings);
    this.#settings = settings;
    for (const agent of this.#deps.registry.all()) this.#replace(agent);
    this.#deps.registry.changed();
  }

  #replace(agent: AgentController): void {
    const { pool, desiredState } = this.placement(agent);
    this.#deps.registry.move(agent, pool, desiredState);
  }

  /**
   * A change another balancer wrote to the shared state database: already durable, so it only takes
   * effect here (agents of a changed pool are told at once), in turn with this balancer's own writes.
   */
  applyStored(change: StateDatabaseChange): Promise<void> {
    return this.#serial(async () => {
      switch (change.kind) {
        case "desired_state": {
          const existing = this.#clusters.get(change.pool);
          if (existing) {
            await existing.applyStored(change.state);
            return;
          }
          const cluster = new ClusterState(
            this.#storeFor(change.pool),
            this.#deps.registry,
            change.state,
            change.pool,
          );
          this.#clusters.set(change.pool, cluster);
          this.#deps.registry.broadcastDesiredState(cluster.applicable, change.pool);
          break;
        }
        case "pool_deleted":
          if (change.pool === DEFAULT_MODEL_POOL) return;
          this.#clusters.delete(change.pool);
          break;
        case "fleet_settings":
          this.#settings = change.settings;
          for (const agent of this.#deps.registry.all()) this.#replace(agent);
          break;
      }
      this.#deps.registry.changed();
    });
  }

  /** Each pool with its state, policy, aliases, agents' slot totals and buffer. */
  summaries(): ModelPoolSummary[] {
    return this.allPools().map((pool) => {
      const agents = this.#deps.registry.snapshots(pool);
      const slots = this.#deps.slots.pool(pool);
      return {
        name: pool,
        desired_state: this.#clusters.get(pool)?.desired ?? null,
        policy: this.policyOf(pool),
        aliases: this.aliasesOf(pool),
        agents: agents.length,
        slots_total: agents.reduce((sum, agent) => sum + agent.slots_total, 0),
        slots_processing: agents.reduce((sum, agent) => sum + agent.slots_processing, 0),
        buffered_requests: slots.bufferedCount,
      };
    });
  }
}

function referencesTo(pool: ModelPoolName, settings: FleetSettings): string[] {
  const references: string[] = [];
  for (const [alias, target] of Object.entries(settings.aliases))
    if (target === pool) references.push(`aliases.${alias}`);
  for (const [index, rule] of settings.rules.entries())
    if (rule.pool === pool) references.push(`rules.${index}`);
  if (settings.fallback_pool === pool) references.push("fallback_pool");
  return references;
}

function danglingReferences(settings: FleetSettings, pools: ReadonlySet<ModelPoolName>) {
  const problems: { field: string; reason: string }[] = [];
  const missing = (pool: string) => `names pool '${pool}', which does not exist`;
  for (const [alias, target] of Object.entries(settings.aliases)) {
    if (!pools.has(target)) problems.push({ field: `aliases.${alias}`, reason: missing(target) });
    if (pools.has(alias))
      problems.push({
        field: `aliases.${alias}`,
        reason: "is already the name of a pool, which wins over aliases",
      });
  }
  for (const [index, rule] of settings.rules.entries())
    if (!pools.has(rule.pool)) problems.push({ field: `rules.${index}.pool`, reason: missing(rule.pool) });
  if (settings.fallback_pool !== null && !pools.has(settings.fallback_pool))
    problems.push({ field: "fallback_pool", reason: missing(settings.fallback_pool) });
  for (const pool of Object.keys(settings.pool_policies))
    if (!pools.has(pool)) problems.push({ field: `pool_policies.${pool}`, reason: missing(pool) });
  for (const pool of Object.keys(settings.pool_limits))
    if (!pools.has(pool)) problems.push({ field: `pool_limits.${pool}`, reason: missing(pool) });
  return problems;
}

import {
  type AgentDesiredState,
  type BalancerDesiredState,
  DEFAULT_MODEL_POOL,
  type ModelPoolName,
  toAgentDesiredState,
} from "@paddler/protocol";
import type { AgentRegistry } from "../agents/agent-registry.js";

/** The part of a state database the balancer needs. */
export interface DesiredStateStore {
  read(): Promise<BalancerDesiredState>;
  store(state: BalancerDesiredState): Promise<void>;
}

/**
 * One pool's desired state and what its agents are told to apply. A store goes to the database first, then to
 * every agent, so what the fleet runs is always what a restart would load.
 */
export class ClusterState {
  #desired: BalancerDesiredState;
  #applicable: AgentDesiredState;
  readonly pool: ModelPoolName;
  readonly #store: DesiredStateStore;
  readonly #registry: AgentRegistry;
  readonly #modeListeners = new Set<(tokenGenerationEnabled: boolean) => void>();
  #writes: Promise<void> = Promise.resolve();

  constructor(
    store: DesiredStateStore,
    registry: AgentRegistry,
    desired: BalancerDesiredState,
    pool: ModelPoolName = DEFAULT_MODEL_POOL,
  ) {
    this.pool = pool;
    this.#store = store;
    this.#registry = registry;
    this.#desired = desired;
    this.#applicable = toAgentDesiredState(desired);
  }

  static async load(
    store: DesiredStateStore,
    registry: AgentRegistry,
    pool: ModelPoolName = DEFAULT_MODEL_POOL,
  ): Promise<ClusterState> {
    return new ClusterState(store, registry, await store.read(), pool);
  }

  get desired(): BalancerDesiredState {
    return this.#desired;
  }

  get applicable(): AgentDesiredState {
    return this.#applicable;
  }

  /** Paddler's rule: a cluster in embeddings mode refuses token generation. */
  get tokenGenerationEnabled(): boolean {
    return !this.#desired.inference_parameters.enable_embeddings;
  }

  /** Stores and pushes a new desired state; concurrent PUTs apply in arrival order. */
  setDesired(state: BalancerDesiredState): Promise<void> {
    const write = this.#writes.then(async () => {
      await this.#store.store(state);
      this.#apply(state);
    });
    this.#writes = write.catch(() => {});
    return write;
  }

  /**
   * A desired state another balancer stored in the shared database: already durable, so it is only
   * pushed to this balancer's agents, in turn with this balancer's own writes.
   */
  applyStored(state: BalancerDesiredState): Promise<void> {
    const write = this.#writes.then(() => this.#apply(state));
    this.#writes = write.catch(() => {});
    return write;
  }

  #apply(state: BalancerDesiredState): void {
    const wasEnabled = this.tokenGenerationEnabled;
    this.#desired = state;
    this.#applicable = toAgentDesiredState(state);
    this.#registry.broadcastDesiredState(this.#applicable, this.pool);
    if (wasEnabled !== this.tokenGenerationEnabled) {
      for (const listener of this.#modeListeners) listener(this.tokenGenerationEnabled);
    }
  }

  onTokenGenerationModeChange(listener: (tokenGenerationEnabled: boolean) => void): () => void {
    this.#modeListeners.add(listener);
    return () => this.#modeListeners.delete(listener);
  }
}

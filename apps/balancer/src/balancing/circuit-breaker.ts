/** How a request on an agent ended, as far as the agent's health goes. */
export type AgentOutcome = "success" | "failure";

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit; 0 disables the breaker. */
  failureThreshold: number;
  /** A failure further than this from the previous one starts the count again. */
  windowMs: number;
  /** How long an open circuit keeps the agent out before one trial request. */
  cooldownMs: number;
}

interface AgentCircuit {
  failures: number;
  lastFailureAt: number;
  /** When the circuit opened; null while closed. */
  openedAt: number | null;
  /** Half-open: a trial request is out and nothing else may go until it settles. */
  trialInFlight: boolean;
  /** A trial whose outcome never comes (the client cancelled it) stops blocking after a cool-down. */
  trialStartedAt: number;
}

export type CircuitState = "closed" | "open" | "half-open";

/**
 * Paddler 1.x's circuit breaker, as a pure state machine over explicit times: an agent whose
 * requests fail `failureThreshold` times in a row (each within `windowMs` of the last) is left out
 * of dispatch for `cooldownMs`; then one trial request goes (half-open). Its success closes the
 * circuit, its failure opens it for another cool-down.
 */
export class CircuitBreaker {
  readonly #options: CircuitBreakerOptions;
  readonly #circuits = new Map<string, AgentCircuit>();

  constructor(options: CircuitBreakerOptions) {
    this.#options = options;
  }

  state(agentId: string, now: number): CircuitState {
    const circuit = this.#circuits.get(agentId);
    if (!circuit || circuit.openedAt === null) return "closed";
    return now - circuit.openedAt >= this.#options.cooldownMs ? "half-open" : "open";
  }

  /** Whether a new request may go to this agent now. */
  allows(agentId: string, now: number): boolean {
    const state = this.state(agentId, now);
    if (state === "closed") return true;
    if (state === "open") return false;
    const circuit = this.#circuits.get(agentId);
    return !circuit?.trialInFlight || now - circuit.trialStartedAt >= this.#options.cooldownMs;
  }

  /**
   * Call when a request is handed to the agent; in half-open it becomes the one trial. Returns,
   * for a trial, when it stops blocking the agent should its outcome never come.
   */
  dispatched(agentId: string, now: number): number | null {
    const circuit = this.#circuits.get(agentId);
    if (!circuit || this.state(agentId, now) !== "half-open") return null;
    circuit.trialInFlight = true;
    circuit.trialStartedAt = now;
    return now + this.#options.cooldownMs;
  }

  /** Records how a request ended. Returns when the agent may next be tried, if this opened the circuit. */
  record(agentId: string, outcome: AgentOutcome, now: number): number | null {
    if (this.#options.failureThreshold === 0) return null;
    if (outcome === "success") {
      this.#circuits.delete(agentId);
      return null;
    }
    const circuit = this.#circuits.get(agentId) ?? {
      failures: 0,
      lastFailureAt: now,
      openedAt: null,
      trialInFlight: false,
      trialStartedAt: 0,
    };
    this.#circuits.set(agentId, circuit);
    if (circuit.trialInFlight || (circuit.openedAt !== null && this.state(agentId, now) === "half-open")) {
      // The trial failed: another full cool-down.
      circuit.trialInFlight = false;
      circuit.openedAt = now;
      circuit.lastFailureAt = now;
      return now + this.#options.cooldownMs;
    }
    if (circuit.openedAt !== null) return null; // Already open: late failures of earlier requests.
    circuit.failures = now - circuit.lastFailureAt > this.#options.windowMs ? 1 : circuit.failures + 1;
    circuit.lastFailureAt = now;
    if (circuit.failures < this.#options.failureThreshold) return null;
    circuit.openedAt = now;
    return now + this.#options.cooldownMs;
  }

  /** An agent that left for good takes its history with it. */
  forget(agentId: string): void {
    this.#circuits.delete(agentId);
  }
}

import type { FieldProblem } from "@paddler/protocol";

/** Every error the balancer answers with carries the status and description Paddler uses. */
export abstract class BalancerError extends Error {
  abstract readonly code: string;
  abstract readonly status: number;
}

export class BufferOverflowError extends BalancerError {
  override readonly name = "BufferOverflowError";
  readonly code = "buffer_overflow";
  readonly status = 503;
  constructor() {
    super("Buffered requests overflow");
  }
}

export class SlotWaitTimeoutError extends BalancerError {
  override readonly name = "SlotWaitTimeoutError";
  readonly code = "slot_wait_timeout";
  readonly status = 504;
  constructor() {
    super("Waiting for available slot timed out");
  }
}

export class ItemTimeoutError extends BalancerError {
  override readonly name = "ItemTimeoutError";
  readonly code = "item_timeout";
  readonly status = 504;
  constructor(timeoutMs: number) {
    super(`Inference timed out after ${timeoutMs}ms waiting for next token or embedding`);
  }
}

/** The shared state database cannot be reached: inference goes on with the last state, changes wait. */
export class StateDatabaseUnavailableError extends BalancerError {
  override readonly name = "StateDatabaseUnavailableError";
  readonly code = "state_database_unavailable";
  readonly status = 503;
  constructor(options?: ErrorOptions) {
    super(
      "The state database is unavailable; the balancer keeps serving the last desired state it read, but cannot change it now",
      options,
    );
  }
}

export class AgentConnectionClosedError extends BalancerError {
  override readonly name = "AgentConnectionClosedError";
  readonly code = "agent_connection_closed";
  readonly status = 502;
  constructor() {
    super("Agent controller connection closed");
  }
}

/** The agent running a request went away, and so did the one it was given to next. */
export class AgentsLostError extends BalancerError {
  override readonly name = "AgentsLostError";
  readonly code = "agents_lost";
  readonly status = 502;
  constructor(attempts: number) {
    super(
      `Agent controller connection closed: ${attempts} agents went away while running this request; it is not tried again`,
    );
  }
}

/** The agent's own status says it does not run the request: the lease was released (drift healed). */
export class AgentLostRequestError extends BalancerError {
  override readonly name = "AgentLostRequestError";
  readonly code = "agent_lost_request";
  readonly status = 502;
  constructor() {
    super("The agent is not running this request any more");
  }
}

export class ShuttingDownError extends BalancerError {
  override readonly name = "ShuttingDownError";
  readonly code = "shutting_down";
  readonly status = 503;
  constructor() {
    super("balancer is shutting down");
  }
}

export class TokenGenerationDisabledError extends BalancerError {
  override readonly name = "TokenGenerationDisabledError";
  readonly code = "token_generation_disabled";
  readonly status = 501;
  constructor() {
    super("Token generation is disabled while the cluster is configured for embeddings");
  }
}

export class EmbeddingsDisabledError extends BalancerError {
  override readonly name = "EmbeddingsDisabledError";
  readonly code = "embeddings_disabled";
  readonly status = 501;
  constructor() {
    super("Embeddings are disabled; set inference_parameters.enable_embeddings to true");
  }
}

/** Missing or wrong credentials; deliberately the same words whatever was wrong. */
export class UnauthorizedError extends BalancerError {
  override readonly name = "UnauthorizedError";
  readonly code = "unauthorized";
  readonly status = 401;
  constructor() {
    super("Missing or invalid credentials");
  }
}

export class PayloadTooLargeError extends BalancerError {
  override readonly name = "PayloadTooLargeError";
  readonly code = "payload_too_large";
  readonly status = 413;
  constructor(readonly limitBytes: number) {
    super(`Request body is larger than the limit of ${limitBytes} bytes`);
  }
}

export class InvalidRequestError extends BalancerError {
  override readonly name = "InvalidRequestError";
  readonly code = "invalid_request";
  readonly status = 400;
  constructor(
    readonly problems: FieldProblem[],
    options?: ErrorOptions,
  ) {
    super(
      `Invalid request parameters: ${problems.map((p) => (p.field ? `${p.field}: ${p.reason}` : p.reason)).join("; ")}`,
      options,
    );
  }
}

export class AgentNotFoundError extends BalancerError {
  override readonly name = "AgentNotFoundError";
  readonly code = "agent_not_found";
  readonly status = 404;
  constructor(agentId: string) {
    super(`Agent ${agentId} is not connected`);
  }
}

export class AgentRpcTimeoutError extends BalancerError {
  override readonly name = "AgentRpcTimeoutError";
  readonly code = "agent_timeout";
  readonly status = 504;
  constructor(timeoutMs: number) {
    super(`Agent did not answer within ${timeoutMs}ms`);
  }
}

export class RequestAbortedError extends Error {
  override readonly name = "RequestAbortedError";
  readonly code = "aborted";
}

/** A native request or management call named a pool that has no desired state. */
export class UnknownModelPoolError extends BalancerError {
  override readonly name = "UnknownModelPoolError";
  readonly code = "pool_not_found";
  readonly status = 404;
  readonly pool: string;
  constructor(pool: string, known: readonly string[]) {
    super(`Model pool '${pool}' does not exist; pools: ${known.join(", ") || "none"}`);
    this.pool = pool;
  }
}

/** A management change that would leave something dangling (agents in a deleted pool, a rule to nowhere). */
export class PoolConflictError extends BalancerError {
  override readonly name = "PoolConflictError";
  readonly code = "pool_conflict";
  readonly status = 409;
}

/** An OpenAI or Anthropic request named a model no pool serves; each API answers in its own shape. */
export class ModelNotFoundError extends BalancerError {
  override readonly name = "ModelNotFoundError";
  readonly code = "model_not_found";
  readonly status = 404;
  readonly model: string;
  readonly served: readonly string[];
  constructor(model: string, served: readonly string[]) {
    super(
      `The model '${model}' is not served here; models served: ${served.length > 0 ? served.join(", ") : "none"}`,
    );
    this.model = model;
    this.served = served;
  }
}

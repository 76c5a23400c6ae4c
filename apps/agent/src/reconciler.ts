import type { Logger } from "@paddler/logger";
import type { AgentDesiredState, AgentIssue } from "@paddler/protocol";
import type { AgentStatus } from "./agent-status.js";
import { EngineLoadError } from "./engine/engine-errors.js";
import type { InferenceEngine, InferenceEngineFactory } from "./engine/inference-engine.js";
import { ModelSourceError } from "./model-sources/model-source-error.js";
import { isRuntimeOnlyChange } from "./runtime-only-change.js";

export type ResolveModel = (model: AgentDesiredState["model"], signal: AbortSignal) => Promise<string | null>;

export interface ReconcilerOptions {
  status: AgentStatus;
  engineFactory: InferenceEngineFactory;
  resolveModel: ResolveModel;
  slots: number;
  threads: number;
  logger: Logger;
  /** Paddler retries a failed application every second. */
  retryDelayMs?: number;
  /** After this many failed attempts the state is reported as Stuck. */
  attemptsBeforeStuck?: number;
}

/**
 * Brings the agent to the desired state: resolve (download) the model, drain the slots (the agent
 * reports no free slots, so new requests wait at the balancer), unload, load, report slots again.
 * One application runs at a time; a newer desired state supersedes a pending one.
 */
export class Reconciler {
  readonly #options: Required<ReconcilerOptions>;
  #engine: InferenceEngine | null = null;
  #applied: string | null = null;
  #appliedState: AgentDesiredState | null = null;
  #target: AgentDesiredState | null = null;
  #running: Promise<void> | null = null;
  #retryTimer: NodeJS.Timeout | null = null;
  #attempts = 0;
  /** The last failure, so a repeat of it is not logged at warn again. */
  #lastProblem: string | null = null;
  readonly #abort = new AbortController();

  constructor(options: ReconcilerOptions) {
    this.#options = { retryDelayMs: 1000, attemptsBeforeStuck: 10, ...options };
  }

  /**
   * The engine serving requests now, or null while none is loaded. While draining it still serves
   * requests the balancer sent before it saw `slots_total: 0`.
   */
  get engine(): InferenceEngine | null {
    return this.#engine;
  }

  get desiredState(): AgentDesiredState | null {
    return this.#target;
  }

  setDesiredState(state: AgentDesiredState): void {
    this.#target = state;
    this.#attempts = 0;
    if (JSON.stringify(state) === this.#applied && !this.#running) {
      // Back to what is loaded (e.g. after a model that failed to resolve): nothing to retry.
      this.#cancelRetry();
      this.#options.status.update({ issues: [], state_application_status: "Applied" });
      return;
    }
    this.#kick();
  }

  #cancelRetry(): void {
    if (this.#retryTimer) {
      clearTimeout(this.#retryTimer);
      this.#retryTimer = null;
    }
  }

  #kick(): void {
    this.#cancelRetry();
    this.#running ??= this.#run().finally(() => {
      this.#running = null;
    });
  }

  async #run(): Promise<void> {
    for (;;) {
      const target = this.#target;
      if (!target || JSON.stringify(target) === this.#applied || this.#abort.signal.aborted) return;
      try {
        if (!this.#applyWithoutReload(target)) await this.#apply(target);
        this.#applied = JSON.stringify(target);
        this.#appliedState = target;
        this.#lastProblem = null;
      } catch (error) {
        if (this.#abort.signal.aborted) return;
        this.#attempts++;
        const issue = issueFor(error, target);
        // Said once at warn (with the reason), then only at debug while the same problem lasts:
        // the panel shows the issue, and a retry every second must not flood the log.
        const problem = JSON.stringify(issue) + describeError(error);
        const log = problem === this.#lastProblem ? this.#options.logger.debug : this.#options.logger.warn;
        this.#lastProblem = problem;
        log("could not apply the desired state; retrying every second", {
          reason: describeError(error),
          attempt: this.#attempts,
        });
        this.#options.status.update({
          issues: issue ? [issue] : [],
          state_application_status:
            this.#attempts >= this.#options.attemptsBeforeStuck ? "Stuck" : "AttemptedAndRetrying",
          download_current: 0,
          download_total: 0,
          download_filename: null,
          download_indeterminate: false,
        });
        this.#retryTimer = setTimeout(() => this.#kick(), this.#options.retryDelayMs);
        this.#retryTimer.unref();
        return;
      }
    }
  }

  /** Sampling or template changes go to the loaded engine directly: no drain, no reload. */
  #applyWithoutReload(target: AgentDesiredState): boolean {
    const engine = this.#engine;
    if (!engine?.updateRuntimeState || !this.#appliedState || this.#applied === null) return false;
    if (!isRuntimeOnlyChange(this.#appliedState, target)) return false;
    engine.updateRuntimeState(target);
    this.#options.status.update({
      issues: [],
      uses_chat_template_override: target.chat_template_override !== null,
      state_application_status: "Applied",
    });
    this.#options.logger.info("applied new inference parameters without reloading the model");
    return true;
  }

  async #apply(target: AgentDesiredState): Promise<void> {
    const { status, logger } = this.#options;
    const modelPath = await this.#options.resolveModel(target.model, this.#abort.signal);
    const projectionPath = await this.#options.resolveModel(target.multimodal_projection, this.#abort.signal);
    await this.#unload();
    status.update({
      download_current: 0,
      download_total: 0,
      download_filename: null,
      download_indeterminate: false,
    });
    if (modelPath === null) {
      status.update({
        issues: [],
        model_path: null,
        state_application_status: "Applied",
        uses_chat_template_override: false,
      });
      return;
    }
    status.update({ model_path: modelPath });
    logger.info("loading model", { modelPath });
    // Slots come up while load() runs; report them only once the engine is ours.
    let loaded: InferenceEngine | null = null;
    const engine = await this.#options.engineFactory.load({
      modelPath,
      multimodalProjectionPath: projectionPath,
      desiredState: target,
      slots: this.#options.slots,
      threads: this.#options.threads,
      onSlotsChanged: () => {
        if (loaded) status.update({ slots_total: loaded.slotsTotal });
      },
    });
    loaded = engine;
    this.#engine = engine;
    const warnings = [...(engine.warnings ?? [])];
    for (const warning of warnings) logger.warn(warning, { modelPath });
    status.update({
      issues: [],
      warnings,
      model_path: modelPath,
      slots_total: engine.slotsTotal,
      uses_chat_template_override: target.chat_template_override !== null,
      state_application_status: "Applied",
    });
    logger.info("model loaded", { modelPath, slots: engine.slotsTotal });
  }

  /** Stops taking requests, waits for running ones to finish, then frees the model. */
  async #unload(): Promise<void> {
    const engine = this.#engine;
    if (!engine) return;
    // What was applied is gone with the engine; the same state must load again.
    this.#applied = null;
    this.#options.status.update({ slots_total: 0, warnings: [] });
    try {
      while (engine.slotsProcessing > 0) await new Promise((resolve) => setTimeout(resolve, 20));
      await engine[Symbol.asyncDispose]();
    } finally {
      this.#engine = null;
      this.#options.status.update({ slots_total: 0, model_path: null });
    }
  }

  /** Finishes running requests and frees the model (graceful shutdown). */
  async close(): Promise<void> {
    this.#abort.abort();
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    await this.#running?.catch(() => {});
    await this.#unload();
  }
}

function issueFor(error: unknown, target: AgentDesiredState): AgentIssue | null {
  if (error instanceof ModelSourceError || error instanceof EngineLoadError) return error.issue;
  const path =
    typeof target.model === "object" && "LocalToAgent" in target.model ? target.model.LocalToAgent : "";
  return { ModelCannotBeLoaded: { model_path: path } };
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

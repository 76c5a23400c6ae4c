import type { Logger } from "@paddler/logger";
import type { AgentDesiredState, AgentIssue } from "@paddler/protocol";
import type { AgentStatus } from "./agent-status.js";
import { EngineLoadError } from "./engine/engine-errors.js";
import type { InferenceEngine, InferenceEngineFactory } from "./engine/inference-engine.js";
import { ModelSourceError } from "./model-sources/model-source-error.js";
import { isRuntimeOnlyChange } from "./runtime-only-change.js";

/** What the reconciler drains before a reload: the requests running on the engine. */
export interface DrainableRequests {
  readonly running: number;
  runningIds(): string[];
  /** Ends every running request with `reason` as its in-band error. */
  cancelAll(reason: string): void;
}

/** How long a reload waits for running requests by default before it cancels them. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 30_000;

export type ResolveModel = (model: AgentDesiredState["model"], signal: AbortSignal) => Promise<string | null>;

export interface ReconcilerOptions {
  status: AgentStatus;
  engineFactory: InferenceEngineFactory;
  resolveModel: ResolveModel;
  slots: number;
  threads: number;
  logger: Logger;
  /** The running requests, drained before every reload. */
  requests: DrainableRequests;
  /** A reload waits at most this long for running requests, then cancels them. */
  drainTimeoutMs?: number;
  /** After the cancel, how long the engine gets to free its sequences before it is disposed anyway. */
  cancelGraceMs?: number;
  /** A model that takes longer than this to free is left behind (logged) so the reload goes on. */
  disposeTimeoutMs?: number;
  now?: () => number;
  /** Paddler retries a failed application every second. */
  retryDelayMs?: number;
  /** After this many failed attempts the state is reported as Stuck. */
  attemptsBeforeStuck?: number;
}

/**
 * Brings the agent to the desired state: resolve (download) the model, drain the slots (the agent
 * reports no free slots, so new requests wait at the balancer), unload, load, report slots again.
 * One application runs at a time; a newer desired state supersedes a pending one.
 *
 * Every step is bounded, so a reload always finishes: the drain waits at most `drainTimeoutMs`,
 * then cancels what still runs (each request gets an in-band error) and waits `cancelGraceMs` for
 * the engine to free its sequences; disposing the old model waits at most `disposeTimeoutMs`.
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
    this.#options = {
      retryDelayMs: 1000,
      attemptsBeforeStuck: 10,
      drainTimeoutMs: DEFAULT_DRAIN_TIMEOUT_MS,
      cancelGraceMs: 5000,
      disposeTimeoutMs: 10_000,
      now: Date.now,
      ...options,
    };
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
        if (!this.#applyWithoutReload(target)) {
          // Whatever was applied before, this state is not: never report Applied while on the way.
          if (this.#attempts === 0) this.#options.status.update({ state_application_status: "Fresh" });
          await this.#apply(target);
        }
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

  /** Changes the engine can take as it runs (sampling; for most, the template) go to it directly: no drain, no reload. */
  #applyWithoutReload(target: AgentDesiredState): boolean {
    const engine = this.#engine;
    if (!engine?.updateRuntimeState || !this.#appliedState || this.#applied === null) return false;
    const reload = engine.needsReload
      ? engine.needsReload(this.#appliedState, target)
      : !isRuntimeOnlyChange(this.#appliedState, target);
    if (reload) return false;
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

  /**
   * Stops taking requests, waits for running ones to finish (at most the drain timeout, then
   * cancels them), then frees the model. Reports the drain while it lasts.
   */
  async #unload(): Promise<void> {
    const engine = this.#engine;
    if (!engine) return;
    // What was applied is gone with the engine; the same state must load again.
    this.#applied = null;
    const { status, logger, requests, now } = this.#options;
    status.update({ slots_total: 0, warnings: [] });
    try {
      const since = now();
      const deadline = since + this.#options.drainTimeoutMs;
      const busy = () => Math.max(engine.slotsProcessing, requests.running);
      const report = () =>
        status.setDrain({ slots_busy: busy(), since_unix_ms: since, deadline_unix_ms: deadline });
      if (busy() > 0) {
        logger.info("draining before the reload", {
          slotsBusy: busy(),
          drainTimeoutMs: this.#options.drainTimeoutMs,
        });
        await waitFor(() => busy() === 0, { until: deadline, now, onTick: report });
      }
      if (busy() > 0) {
        logger.warn("drain deadline passed; cancelling the requests that still run", {
          requestIds: requests.runningIds(),
        });
        requests.cancelAll(
          `the agent reloads its model and the drain deadline of ${this.#options.drainTimeoutMs} ms passed`,
        );
        await waitFor(() => busy() === 0, {
          until: now() + this.#options.cancelGraceMs,
          now,
          onTick: report,
        });
        if (busy() > 0) {
          logger.error("the engine did not free its sequences after the cancel; disposing it anyway", {
            engineSlotsProcessing: engine.slotsProcessing,
            requestIds: requests.runningIds(),
          });
        }
      }
      status.setDrain(null);
      await withTimeout(engine[Symbol.asyncDispose](), this.#options.disposeTimeoutMs).then((finished) => {
        if (!finished) logger.error("the old model did not free in time; loading the new one anyway");
      });
    } finally {
      status.setDrain(null);
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

/** Polls `done` every 20 ms until it holds or `until` passes; `onTick` reports progress. */
async function waitFor(
  done: () => boolean,
  options: { until: number; now: () => number; onTick: () => void },
): Promise<void> {
  options.onTick();
  while (!done() && options.now() < options.until) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    options.onTick();
  }
}

/** Whether `promise` settled within `ms`; a rejection counts as settled. */
function withTimeout(promise: PromiseLike<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    timer.unref();
    promise.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(true);
      },
    );
  });
}

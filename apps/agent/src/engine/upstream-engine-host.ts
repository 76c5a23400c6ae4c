import type { Logger } from "@paddler/logger";
import type { AgentDesiredState, AgentIssue } from "@paddler/protocol";
import type { AgentStatus } from "../agent-status.js";
import { desiredModelName } from "./desired-model-name.js";
import type { InferenceEngine } from "./inference-engine.js";
import type { UpstreamEngine } from "./upstream-engine.js";

/** Whether what the upstream serves is the model the cluster wants (by file name, `.gguf` or not). */
export function servesModel(served: readonly string[], modelPath: string | null, desired: string): boolean {
  const bare = (name: string) => (name.split(/[\\/]/).pop() ?? name).replace(/\.gguf$/i, "").toLowerCase();
  const wanted = bare(desired);
  return [...served, ...(modelPath ? [modelPath] : [])].some((name) => bare(name) === wanted);
}

/**
 * Runs an agent in front of a server it does not start (an external llama-server, an
 * OpenAI-compatible server): the engine exists from the start, its slots follow the server's
 * health, and the desired model is never loaded: when the server serves another one, the agent
 * says so as an issue instead of pretending.
 */
export class UpstreamEngineHost {
  readonly #engine: UpstreamEngine;
  readonly #status: AgentStatus;
  readonly #logger: Logger;
  #desiredState: AgentDesiredState | null = null;
  #mostSlots = 0;

  constructor(options: { engine: UpstreamEngine; status: AgentStatus; logger: Logger }) {
    this.#engine = options.engine;
    this.#status = options.status;
    this.#logger = options.logger;
  }

  async start(): Promise<void> {
    await this.#engine.start();
    this.#report();
  }

  /** Called by the engine whenever the upstream's slots, models or health change. */
  onUpstreamChanged(): void {
    this.#report();
  }

  get engine(): InferenceEngine | null {
    return this.#engine;
  }

  get desiredState(): AgentDesiredState | null {
    return this.#desiredState;
  }

  setDesiredState(state: AgentDesiredState): void {
    if (state.chat_template_override && !this.#desiredState?.chat_template_override)
      this.#logger.warn(
        "the cluster's chat template override cannot be applied to a server the agent does not start",
      );
    this.#desiredState = state;
    this.#engine.setDesiredState(state);
    this.#report();
  }

  #report(): void {
    const probe = this.#engine.lastProbe;
    const issues: AgentIssue[] = [];
    let applied = true;
    const upstream = this.#engine.engineInfo.upstream ?? "the upstream";
    if (probe.problem) {
      issues.push({ SlotCannotStart: { error: `${upstream}: ${probe.problem}`, slot_index: 0 } });
    } else if (this.#desiredState) {
      const desired = desiredModelName(this.#desiredState.model);
      if (desired && !servesModel(probe.servedModels, probe.modelPath, desired)) {
        applied = false;
        const served = probe.servedModels.join(", ") || probe.modelPath || "nothing";
        issues.push({ ModelCannotBeLoaded: { model_path: `${desired} (${upstream} serves ${served})` } });
        this.#logger.warn("the upstream serves another model than the cluster wants", { desired, served });
      }
    }
    // The server formats conversations with its own template; pretending otherwise would hide why
    // replies differ from the cluster's override.
    const warnings = this.#desiredState?.chat_template_override
      ? [
          `the cluster's chat template override is not applied: ${upstream} formats conversations with its own template`,
        ]
      : [];
    // What the server has when healthy; slots_total drops to 0 while it is down.
    this.#mostSlots = Math.max(this.#mostSlots, this.#engine.slotsTotal);
    this.#status.update({
      engine: this.#engine.engineInfo,
      slots_total: this.#engine.slotsTotal,
      desired_slots_total: this.#mostSlots,
      model_path: probe.modelPath,
      issues,
      warnings,
      uses_chat_template_override: false,
      state_application_status: this.#desiredState === null ? "Fresh" : applied ? "Applied" : "Stuck",
    });
  }

  async close(): Promise<void> {
    await this.#engine[Symbol.asyncDispose]();
    this.#status.update({ slots_total: 0 });
  }
}

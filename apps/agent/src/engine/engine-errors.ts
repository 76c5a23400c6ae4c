import type { AgentIssue } from "@paddler/protocol";

/**
 * Errors an engine throws while loading. Each carries the AgentIssue the agent reports to the
 * balancer, so the reconciler forwards `issue` as is; `code` is the issue's tag.
 */
export abstract class EngineLoadError extends Error {
  abstract readonly code: string;
  abstract readonly issue: AgentIssue;
}

export class ModelCannotBeLoadedError extends EngineLoadError {
  override readonly name = "ModelCannotBeLoadedError";
  readonly code = "ModelCannotBeLoaded";
  readonly issue: AgentIssue;
  readonly modelPath: string;

  constructor(modelPath: string, options?: { cause?: unknown }) {
    super(`Model cannot be loaded from ${modelPath}: ${describeCause(options?.cause)}`, options);
    this.modelPath = modelPath;
    this.issue = { ModelCannotBeLoaded: { model_path: modelPath } };
  }
}

export class ChatTemplateDoesNotCompileError extends EngineLoadError {
  override readonly name = "ChatTemplateDoesNotCompileError";
  readonly code = "ChatTemplateDoesNotCompile";
  readonly issue: AgentIssue;
  readonly templateContent: string;

  constructor(options: { modelPath: string; templateContent: string; cause: unknown }) {
    const error = describeCause(options.cause);
    super(`Chat template does not compile: ${error}`, { cause: options.cause });
    this.templateContent = options.templateContent;
    this.issue = {
      ChatTemplateDoesNotCompile: {
        error,
        model_path: { model_path: options.modelPath },
        template_content: options.templateContent,
      },
    };
  }
}

/** The llama.cpp context (which holds every slot) could not be created. */
export class SlotCannotStartError extends EngineLoadError {
  override readonly name = "SlotCannotStartError";
  readonly code = "SlotCannotStart";
  readonly issue: AgentIssue;

  constructor(slotIndex: number, options?: { cause?: unknown }) {
    super(`Slot ${slotIndex} cannot start: ${describeCause(options?.cause)}`, options);
    this.issue = { SlotCannotStart: { error: describeCause(options?.cause), slot_index: slotIndex } };
  }
}

export function describeCause(cause: unknown): string {
  if (cause instanceof Error) return cause.message;
  return cause === undefined ? "unknown error" : String(cause);
}

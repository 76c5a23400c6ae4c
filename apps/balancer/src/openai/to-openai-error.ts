import type { ErrorDetails, GeneratedTokenResult } from "@paddler/protocol";
import { generatedTokenResultTag } from "@paddler/protocol";
import { BalancerError, InvalidRequestError } from "../errors.js";
import { OpenAIError } from "./openai-error.js";

const codeByStatus: Record<number, string> = {
  400: "invalid_request",
  404: "not_found",
  500: "internal_error",
  501: "not_implemented",
  502: "agent_unavailable",
  503: "overloaded",
  504: "timeout",
};

/** The balancer's in-band error (`{code, description}`), with its HTTP status kept. */
export function fromErrorDetails(error: ErrorDetails): OpenAIError {
  const status = error.code >= 400 && error.code <= 599 ? error.code : 500;
  return new OpenAIError({ message: error.description, status, code: codeByStatus[status] ?? null });
}

/** Errors thrown before dispatch (balancer checks) or anywhere unexpected. */
export function fromThrown(error: unknown): OpenAIError {
  if (error instanceof OpenAIError) return error;
  if (error instanceof InvalidRequestError) {
    const [first] = error.problems;
    return new OpenAIError({
      message: error.message,
      status: 400,
      param: first?.field || null,
      cause: error,
    });
  }
  if (error instanceof BalancerError) {
    return new OpenAIError({ message: error.message, status: error.status, code: error.code, cause: error });
  }
  return new OpenAIError({
    message: "Internal server error",
    status: 500,
    code: "internal_error",
    cause: error,
  });
}

/** Terminal generation results that are errors; which are the caller's fault decides the status. */
const clientFaults: Record<string, { code: string; param: string | null }> = {
  GrammarSyntaxError: { code: "invalid_grammar", param: "response_format" },
  GrammarInitializationFailed: { code: "invalid_grammar", param: "response_format" },
  GrammarIncompatibleWithThinking: { code: "invalid_grammar", param: "response_format" },
  ToolSchemaInvalid: { code: "invalid_tools", param: "tools" },
  MultimodalNotSupported: { code: "multimodal_not_supported", param: "messages" },
  ImageDecodingFailed: { code: "invalid_image", param: "messages" },
  ImageExceedsBatchSize: { code: "image_too_large", param: "messages" },
};

/** Maps a terminal error result from the agent (anything but `Done`) to an OpenAI error. */
export function fromGenerationError(result: GeneratedTokenResult): OpenAIError {
  const tag = generatedTokenResultTag(result);
  const detail = typeof result === "string" ? "" : JSON.stringify(Object.values(result)[0]);
  const message = detail ? `${tag}: ${detail.replace(/^"|"$/g, "")}` : tag;
  if (tag === "TokenGenerationDisabled") {
    return new OpenAIError({ message, status: 400, code: "token_generation_disabled" });
  }
  // A prompt longer than the slot's context: refused before anything is generated.
  if (tag === "SamplerError" && /Prompt of \d+ tokens does not fit/.test(message)) {
    return new OpenAIError({
      message: `This model's context is shorter than your prompt: ${message.replace(/^SamplerError: /, "")}. Shorten the messages or raise context_size.`,
      status: 400,
      code: "context_length_exceeded",
      param: "messages",
    });
  }
  if (tag === "SamplerError" && message.includes("is not in the model's vocabulary")) {
    return new OpenAIError({
      message: `Invalid value for 'prompt': ${message}`,
      status: 400,
      param: "prompt",
    });
  }
  // A Paddler-style request (no report_finish) whose prompt plus output outgrow the slot.
  if (tag === "SamplerError" && message.includes("Context exhausted")) {
    return new OpenAIError({ message, status: 400, code: "context_length_exceeded", param: "messages" });
  }
  const fault = clientFaults[tag];
  if (fault) return new OpenAIError({ message, status: 400, ...fault });
  return new OpenAIError({ message, status: 500, code: tag });
}

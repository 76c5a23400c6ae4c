import {
  isTerminalEmbeddingResult,
  isTerminalForwardedHttpEvent,
  isTerminalGeneratedTokenResult,
  type ResponsePayload,
  type TokenUsage,
} from "@paddler/protocol";

/** The agent's last reply for a request: after it, the agent's slot is free. */
export function isTerminal(response: ResponsePayload): boolean {
  if (typeof response === "string") return true;
  if ("GeneratedToken" in response) return isTerminalGeneratedTokenResult(response.GeneratedToken);
  if ("Embedding" in response) return isTerminalEmbeddingResult(response.Embedding);
  if ("ForwardedHttp" in response) return isTerminalForwardedHttpEvent(response.ForwardedHttp);
  return true;
}

/**
 * SamplerErrors a request brings on itself (too long for the slot) or that the agent chose
 * (a cancel at its drain deadline or shutdown), which say nothing of the agent's health.
 */
const notAgentFaultSamplerErrors =
  /^(Context exhausted|Prompt of \d+ tokens does not fit|Request cancelled by the agent)/;

/** Failures that speak of the agent's health (not of the request), for the circuit breaker. */
export function isAgentFault(response: ResponsePayload): boolean {
  return (
    typeof response === "object" &&
    "GeneratedToken" in response &&
    typeof response.GeneratedToken === "object" &&
    "SamplerError" in response.GeneratedToken &&
    !notAgentFaultSamplerErrors.test(response.GeneratedToken.SamplerError)
  );
}

export function isSuccess(response: ResponsePayload): boolean {
  if (typeof response !== "object") return false;
  if ("GeneratedToken" in response)
    return typeof response.GeneratedToken === "object" && "Done" in response.GeneratedToken;
  if ("Embedding" in response) return response.Embedding === "Done";
  if ("ForwardedHttp" in response) return response.ForwardedHttp === "End";
  return true;
}

/** The usage of a finished generation, or null for anything else. */
export function doneUsage(response: ResponsePayload): TokenUsage | null {
  if (
    typeof response === "object" &&
    "GeneratedToken" in response &&
    typeof response.GeneratedToken === "object" &&
    "Done" in response.GeneratedToken
  )
    return response.GeneratedToken.Done.usage;
  return null;
}

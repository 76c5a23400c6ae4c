import type { ErrorDetails, ResponsePayload } from "@paddler/protocol";
import { BalancerError } from "../errors.js";

/** What a dispatched request yields: agent responses, or one terminal error in Paddler's in-band shape. */
export type DispatchEvent =
  | { kind: "response"; generatedBy: string | null; response: ResponsePayload }
  | { kind: "error"; error: ErrorDetails };

export function errorEvent(error: unknown): DispatchEvent {
  if (error instanceof BalancerError)
    return { kind: "error", error: { code: error.status, description: error.message } };
  return { kind: "error", error: { code: 500, description: "Failed to generate response" } };
}

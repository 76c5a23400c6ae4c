import type { ErrorDetails } from "./envelopes.js";

/**
 * The agent's typed refusal (an `Error` envelope) of a request that arrives while all its slots are
 * taken, e.g. by another balancer: the agent is the authority on its slots. Nothing ran, so the
 * balancer that sent it may hand it to another agent or buffer it.
 */
export const AGENT_SLOTS_FULL_CODE = 429;
const PREFIX = "Agent slots full";

export function agentSlotsFullError(running: number, slots: number): ErrorDetails {
  return { code: AGENT_SLOTS_FULL_CODE, description: `${PREFIX}: ${running} of ${slots} slots are busy` };
}

export function isAgentSlotsFullError(error: ErrorDetails): boolean {
  return error.code === AGENT_SLOTS_FULL_CODE && error.description.startsWith(PREFIX);
}

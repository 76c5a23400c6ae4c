import type { AgentRequest } from "@paddler/protocol";
import type { Dispatcher } from "../dispatch/dispatcher.js";
import { type StartedGeneration, startGeneration } from "./start-generation.js";

/**
 * Starts several generations at once (one per prompt); if any fails before its first token the
 * others are stopped and that error is thrown.
 */
export async function startGenerations(options: {
  dispatcher: Dispatcher;
  requests: AgentRequest[];
  signal: AbortSignal;
}): Promise<StartedGeneration[]> {
  const settled = await Promise.allSettled(
    options.requests.map((request) =>
      startGeneration({ dispatcher: options.dispatcher, request, signal: options.signal }),
    ),
  );
  const failed = settled.find((result) => result.status === "rejected");
  if (!failed) return settled.map((result) => (result as PromiseFulfilledResult<StartedGeneration>).value);
  for (const result of settled) {
    if (result.status === "fulfilled") {
      result.value.abort();
      await result.value.events.return(undefined);
    }
  }
  throw failed.reason;
}

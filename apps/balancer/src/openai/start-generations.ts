import type { AgentRequest } from "@paddler/protocol";
import {
  dispatchGeneration,
  type GenerationOptions,
  type StartedGeneration,
  startGeneration,
} from "./start-generation.js";

/**
 * Starts one generation per prompt. Only the first is awaited up to its first event (so an
 * overflow or timeout is still an HTTP error): waiting for every prompt's first token would
 * deadlock when there are more prompts than free slots, since a slot frees only as its stream is
 * read. The others report errors in-band.
 */
export async function startGenerations(
  options: Omit<GenerationOptions, "request"> & { requests: AgentRequest[] },
): Promise<StartedGeneration[]> {
  const [first, ...rest] = options.requests;
  if (!first) return [];
  const { requestId } = options;
  const head = await startGeneration({ ...options, request: first });
  // Each prompt is its own agent request; suffixes keep their ids apart in the logs.
  return [
    head,
    ...rest.map((request, index) =>
      dispatchGeneration({ ...options, request, requestId: requestId && `${requestId}.p${index + 1}` }),
    ),
  ];
}

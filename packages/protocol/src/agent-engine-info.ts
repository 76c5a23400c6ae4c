import { z } from "zod";

/** Which engine serves an agent's requests. Absent from a status snapshot: the built-in llama.cpp one. */
export const agentEngineKindSchema = z.enum([
  "LlamaCpp",
  "LlamaServerExternal",
  "LlamaServerManaged",
  "OpenAIUpstream",
]);
export type AgentEngineKind = z.infer<typeof agentEngineKindSchema>;

/**
 * What an agent says about its engine, beside its status (not in Paddler v4; optional, so Paddler
 * agents and balancers neither send nor need it).
 */
export const agentEngineInfoSchema = z.strictObject({
  kind: agentEngineKindSchema,
  /** The HTTP server the agent forwards to (a base URL without credentials), or null. */
  upstream: z.string().nullable(),
  /** Model ids the upstream lists on `/v1/models` right now. */
  served_models: z.array(z.string().max(512)).max(256),
  /**
   * The highest version of the ForwardHttp request frame this agent takes, or null when it takes
   * none. A balancer sends ForwardHttp only to agents that offer a version it speaks.
   */
  forward_http_version: z.number().int().positive().nullable(),
});
export type AgentEngineInfo = z.infer<typeof agentEngineInfoSchema>;

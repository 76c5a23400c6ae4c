import type { ResponsePayload } from "@paddler/protocol";
import { Hono } from "hono";
import type { AgentRegistry } from "../../agents/agent-registry.js";
import { AgentConnectionClosedError, AgentNotFoundError, AgentRpcTimeoutError } from "../../errors.js";

const RPC_TIMEOUT_MS = 3000;

/** Asks one agent a question over its socket: 404 unknown agent, 502 gone, 504 after 3 s (Paddler's codes). */
async function askAgent(
  registry: AgentRegistry,
  agentId: string,
  request: "GetChatTemplateOverride" | "GetModelMetadata",
): Promise<ResponsePayload> {
  const agent = registry.get(agentId);
  if (!agent) throw new AgentNotFoundError(agentId);
  const handle = agent.startRequest(request);
  try {
    const next = await handle.replies.take(RPC_TIMEOUT_MS);
    if (next.kind === "timeout") throw new AgentRpcTimeoutError(RPC_TIMEOUT_MS);
    if (next.kind !== "item" || next.item.kind === "error") throw new AgentConnectionClosedError();
    return next.item.envelope.response;
  } finally {
    handle.close();
  }
}

export function agentRpcRoutes({ registry }: { registry: AgentRegistry }) {
  return new Hono()
    .get("/:agentId/chat_template_override", async (c) => {
      const response = await askAgent(registry, c.req.param("agentId"), "GetChatTemplateOverride");
      if (typeof response === "object" && "ChatTemplateOverride" in response)
        return c.json(response.ChatTemplateOverride);
      throw new AgentConnectionClosedError();
    })
    .get("/:agentId/model_metadata", async (c) => {
      const response = await askAgent(registry, c.req.param("agentId"), "GetModelMetadata");
      if (typeof response === "object" && "ModelMetadata" in response) return c.json(response.ModelMetadata);
      throw new AgentConnectionClosedError();
    });
}

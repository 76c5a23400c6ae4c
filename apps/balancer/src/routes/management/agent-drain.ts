import { Hono } from "hono";
import type { AgentRegistry } from "../../agents/agent-registry.js";
import { AgentNotFoundError } from "../../errors.js";

/**
 * Operator actions on one agent (beyond Paddler): `PUT /api/v1/agent/{id}/drain` stops new
 * requests going to it (running ones finish), `DELETE` lets it back. Both answer 204.
 */
export function agentDrainRoutes({ registry }: { registry: AgentRegistry }) {
  const set = (agentId: string, drained: boolean) => {
    if (!registry.setDrained(agentId, drained)) throw new AgentNotFoundError(agentId);
  };
  return new Hono()
    .put("/:agentId/drain", (c) => {
      set(c.req.param("agentId"), true);
      return c.body(null, 204);
    })
    .delete("/:agentId/drain", (c) => {
      set(c.req.param("agentId"), false);
      return c.body(null, 204);
    });
}
